using Microsoft.Extensions.Configuration;
using MpEventRelay.Configuration;
using MpEventRelay.Model;

namespace MpEventRelay.Tests.Configuration;

public sealed class ConfigurationValidationTests
{
    [Fact]
    public void The_example_configuration_is_valid_and_routes_as_documented()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryRoot(), "appsettings.example.json")).Build();
        var errors = new ConfigurationErrors();

        var model = Build(configuration, errors);

        Assert.Empty(errors.All);
        var account = model!.FindAccount("/wechat/main")!;
        Assert.Equal(["promo-qr", "login", "everything-else"], account.Routes.Select(r => r.Name));
    }

    [Fact]
    public void Every_problem_is_listed_with_its_key_and_fix()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Relay:Deadline"] = "00:00:06",
            ["Relay:Accounts:main:Path"] = "wechat",
            ["Relay:Accounts:main:Token"] = "x",
            ["Relay:Accounts:main:EncodingAESKey"] = "short",
            ["Relay:Accounts:main:Targets:bot:Cluster"] = "missing-cluster",
            ["Relay:Accounts:main:Targets:bot:Token"] = "botToken",
            ["Relay:Accounts:main:Targets:bot:Encryption"] = "Plaintext",
            ["Relay:Accounts:main:Routes:0:Target"] = "bot",
            ["Relay:Accounts:main:Routes:0:Mirror:0"] = "nobody",
            ["Relay:Accounts:main:Routes:0:Match:ContentRegex"] = "(unclosed",
        }).Build();
        var errors = new ConfigurationErrors();

        Assert.Null(Build(configuration, errors));

        string[] expected =
        [
            "Relay:Deadline", "Relay:Accounts:main:Path", "Relay:Accounts:main:AppId", "Relay:Accounts:main:Token",
            "Relay:Accounts:main:EncodingAESKey", "Relay:Accounts:main:Targets:bot:Cluster",
            "Relay:Accounts:main:Routes:0:Mirror:0", "Relay:Accounts:main:Routes:0:Match:ContentRegex",
        ];
        foreach (var key in expected)
        {
            Assert.Contains(errors.All, e => e.StartsWith(key + ":", StringComparison.Ordinal) && e.Contains("Fix:", StringComparison.Ordinal));
        }

        Assert.All(errors.All, e => Assert.DoesNotContain("short", e, StringComparison.Ordinal));
    }

    private static RelayModel? Build(IConfiguration configuration, ConfigurationErrors errors) =>
        ConfigurationLoader.Standalone("Production").Load(configuration, errors);

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MpEventRelay.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("MpEventRelay.sln not found above the test assembly.");
    }
}
