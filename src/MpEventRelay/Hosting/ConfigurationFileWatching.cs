using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace MpEventRelay.Hosting;

/// <summary>
/// Configuration files are watched by polling their own timestamps (every 4 s) instead of the default
/// <c>FileSystemWatcher</c>, which watches the whole content root with its subdirectories: the outbox's and the trail's
/// SQLite files live there (<c>data/</c>), and every commit of theirs woke the watcher's thread (5–8 % of the relay's
/// CPU under load). A reload comes within about 8 s of an edit (measured: two 4 s polls at most).
/// </summary>
internal static class ConfigurationFileWatching
{
    private const string FileProviderKey = "FileProvider"; // where FileConfigurationExtensions.SetFileProvider keeps the builder's provider

    public static void PollConfigurationFiles(this WebApplicationBuilder builder)
    {
        IConfigurationBuilder configuration = builder.Configuration;
        var sources = configuration.Sources;
        if (sources.Any(source => source is StreamConfigurationSource))
        {
            return; // re-setting a source reloads every source, and a stream can be read only once: keep the watcher
        }

        var polling = new Dictionary<string, PhysicalFileProvider>(StringComparer.Ordinal);
        var replaced = new HashSet<PhysicalFileProvider>();
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { ReloadOnChange: true } json && json.FileProvider is null or PhysicalFileProvider)
            {
                var old = json.FileProvider as PhysicalFileProvider;
                if (old is not null)
                {
                    replaced.Add(old);
                }

                json.FileProvider = Polling(polling, old?.Root ?? builder.Environment.ContentRootPath);
                sources[i] = json; // re-setting the source makes the configuration load it again, through the new provider
            }
        }

        // The defaults' sources share the builder's provider, whose watcher started when they were first loaded: sources
        // added later get a polling one instead, and the old one is disposed, which is what stops its FileSystemWatcher.
        if (configuration.Properties.TryGetValue(FileProviderKey, out var shared) && shared is PhysicalFileProvider sharedProvider && replaced.Contains(sharedProvider))
        {
            configuration.SetFileProvider(Polling(polling, sharedProvider.Root));
        }

        foreach (var old in replaced.Where(old => !sources.Any(source => source is FileConfigurationSource file && ReferenceEquals(file.FileProvider, old))))
        {
            old.Dispose();
        }
    }

    private static PhysicalFileProvider Polling(Dictionary<string, PhysicalFileProvider> providers, string root)
    {
        if (!providers.TryGetValue(root, out var provider))
        {
            provider = new PhysicalFileProvider(root) { UsePollingFileWatcher = true, UseActivePolling = true };
            providers[root] = provider;
        }

        return provider;
    }
}
