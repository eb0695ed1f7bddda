using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using MpEventRelay.Hosting;

namespace MpEventRelay.UnitTests.Hosting;

/// <summary>Configuration files are polled, not watched with the content root's FileSystemWatcher; a stream source is left as it is.</summary>
public sealed class ConfigurationFileWatchingTests
{
    [Fact]
    public void A_reloadable_configuration_file_is_polled_and_still_read()
    {
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mprelay-unit", Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(directory, "relay.json"), """{ "Answer": "42" }""");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = directory });
        builder.Configuration.AddJsonFile(Path.Combine(directory, "relay.json"), optional: false, reloadOnChange: true);

        var before = builder.Configuration.Sources.OfType<JsonConfigurationSource>().Single(s => s.Path == "relay.json").FileProvider;

        builder.PollConfigurationFiles();

        var file = builder.Configuration.Sources.OfType<JsonConfigurationSource>().Single(s => s.Path == "relay.json");
        Assert.NotSame(before, file.FileProvider);
        Assert.True(Assert.IsType<PhysicalFileProvider>(file.FileProvider).UseActivePolling); // its watcher polls (a FileSystemWatcher needs no active polling)
        Assert.Equal(directory, ((PhysicalFileProvider)file.FileProvider!).Root.TrimEnd('/'));
        Assert.Equal("42", builder.Configuration["Answer"]);
    }

    [Fact]
    public void With_a_stream_source_nothing_is_reloaded_and_its_values_stay()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddJsonStream(new MemoryStream("""{ "Answer": "from a stream" }"""u8.ToArray()));

        builder.PollConfigurationFiles();

        Assert.Equal("from a stream", builder.Configuration["Answer"]);
    }
}
