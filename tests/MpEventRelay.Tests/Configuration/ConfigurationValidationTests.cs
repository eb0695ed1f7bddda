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

    [Theory]
    [InlineData(1, true)]
    [InlineData(31, true)]
    [InlineData(32, false)]
    public void An_admin_key_shorter_than_32_characters_is_refused_with_its_length_and_not_its_value(int length, bool refused)
    {
        var key = string.Concat(Enumerable.Repeat("k", length));
        var errors = new ConfigurationErrors();

        Build(Example(("Relay:Admin:Key", key)), errors);

        var error = errors.All.SingleOrDefault(e => e.StartsWith("Relay:Admin:Key:", StringComparison.Ordinal));
        Assert.Equal(refused, error is not null);
        if (refused)
        {
            Assert.Contains($"is {length} characters; at least 32", error, StringComparison.Ordinal);
            Assert.Contains("openssl rand -hex 16", error, StringComparison.Ordinal);
            Assert.DoesNotContain(key + " ", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_trusted_proxy_must_be_an_address_or_a_network()
    {
        var errors = new ConfigurationErrors();

        Build(Example(("Relay:Management:TrustedProxies:0", "10.0.0.5"), ("Relay:Management:TrustedProxies:1", "10.1.0.0/16"), ("Relay:Management:TrustedProxies:2", "proxy.local")), errors);

        Assert.Equal(["Relay:Management:TrustedProxies:2"], errors.All.Select(e => e[..e.IndexOf(": ", StringComparison.Ordinal)]));
    }

    // The example file with some keys set over it.
    private static IConfiguration Example(params (string Key, string Value)[] overrides) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot(), "appsettings.example.json"))
            .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)))
            .Build();

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
