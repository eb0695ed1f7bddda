using Microsoft.Extensions.Configuration;
using MpEventRelay.Configuration;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Model;
using MpEventRelay.TestKit;

namespace MpEventRelay.UnitTests.Configuration;

public sealed class ConfigurationValidationTests
{
    [Fact]
    public void The_example_configuration_with_its_placeholders_filled_is_valid_and_routes_as_documented()
    {
        var configuration = Example();
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

    [Fact]
    public void The_unedited_template_is_refused_at_each_placeholder_and_nowhere_else()
    {
        var errors = new ConfigurationErrors();

        Assert.Null(Build(new ConfigurationBuilder().AddJsonFile(ExampleValues.File).Build(), errors));

        Assert.Equal(ExampleValues.Filled().Keys.Order(StringComparer.OrdinalIgnoreCase), errors.All.Select(Key).Order(StringComparer.OrdinalIgnoreCase));
        Assert.All(errors.All, e => Assert.Contains("still holds the template's placeholder", e, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Relay:Accounts:main:Pathh", "/wechat/main", "Path")]
    [InlineData("Relay:Accounts:main:Targets:idaas:Encription", "Secure", "Encryption")]
    [InlineData("Relay:Accounts:main:Routes:2:Targett", "bot", "Target")]
    public void A_misspelt_key_inside_an_account_is_one_error_naming_it_and_the_key_it_meant(string misspelt, string value, string meant)
    {
        // The key renamed: the right one is gone, the misspelt one holds its value.
        var right = misspelt[..misspelt.LastIndexOf(':')] + ":" + meant;
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(ExampleValues.File)
            .AddInMemoryCollection(ExampleValues.Filled())
            .Build();
        var edited = new ConfigurationBuilder().AddInMemoryCollection(configuration.AsEnumerable().Where(kv => !string.Equals(kv.Key, right, StringComparison.OrdinalIgnoreCase)).Append(new(misspelt, value))).Build();
        var errors = new ConfigurationErrors();

        Build(edited, errors);

        var error = Assert.Single(errors.All);
        Assert.StartsWith(misspelt + ":", error, StringComparison.Ordinal);
        Assert.Contains($"did you mean {meant}?", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_the_wrong_length_says_what_was_found_and_that_it_came_from_the_environment()
    {
        const string variable = "Relay__Accounts__main__EncodingAESKey";
        Environment.SetEnvironmentVariable(variable, new string('a', 41) + "=");
        try
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(ExampleValues.File).AddInMemoryCollection(ExampleValues.Filled()).AddEnvironmentVariables().Build();
            var errors = new ConfigurationErrors();

            Build(configuration, errors);

            var error = Assert.Single(errors.All);
            Assert.StartsWith("Relay:Accounts:main:EncodingAESKey:", error, StringComparison.Ordinal);
            Assert.Contains("is 42 characters with '='", error, StringComparison.Ordinal);
            Assert.Contains($"set in the environment variable {variable}", error, StringComparison.Ordinal);
            Assert.DoesNotContain(new string('a', 41), error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
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

        Assert.Equal(["Relay:Management:TrustedProxies:2"], errors.All.Select(Key));
    }

    [Fact]
    public void Each_API_gateway_mistake_is_named_with_its_key()
    {
        var configuration = Example(
            ("Relay:Management:Url", null!),
            ("Relay:ApiGateway:Clients:bot:Account", "main"),
            ("Relay:ApiGateway:Clients:bot:Secret", "short"),
            ("Relay:ApiGateway:Clients:bot:Apis:0", "/cgi-bin/token"),
            ("Relay:ApiGateway:Clients:bot:Apis:1", "cgi-bin/user/info"),
            ("Relay:ApiGateway:Clients:bot:Apis:2", "/cgi-bin/menu/*"),
            ("Relay:ApiGateway:Clients:qr:Account", "nosuch"),
            ("Relay:ApiGateway:Clients:qr:Secret", new string('q', 32)),
            ("Relay:ApiGateway:Clients:qr:Apis:0", "/cgi-bin/qrcode/create"),
            ("Relay:ApiGateway:Clients:twin:Account", "main"),
            ("Relay:ApiGateway:Clients:twin:Secret", new string('q', 32)),
            ("Relay:ApiGateway:Clients:twin:Apis:0", "/cgi-bin/qrcode/create"),
            ("Relay:ApiGateway:Clients:twin:PermitPerMinute", "5"));
        var errors = new ConfigurationErrors();

        Assert.Null(Build(configuration, errors));

        Assert.Equal(
            [
                "Relay:ApiGateway:Clients:bot:Account", "Relay:ApiGateway:Clients:bot:Apis:0", "Relay:ApiGateway:Clients:bot:Apis:1",
                "Relay:ApiGateway:Clients:bot:Secret", "Relay:ApiGateway:Clients:qr:Account", "Relay:ApiGateway:Clients:twin:Account", "Relay:ApiGateway:Clients:twin:PermitPerMinute",
                "Relay:ApiGateway:Clients:twin:Secret", "Relay:ApiGateway:Listener",
            ],
            errors.All.Select(Key).Order(StringComparer.Ordinal));
        Assert.Contains(errors.All, e => e.StartsWith("Relay:ApiGateway:Clients:bot:Account:", StringComparison.Ordinal) && e.Contains("no AppSecret", StringComparison.Ordinal));
        Assert.Contains(errors.All, e => e.StartsWith("Relay:ApiGateway:Clients:twin:PermitPerMinute:", StringComparison.Ordinal) && e.Contains("did you mean PermitsPerMinute", StringComparison.Ordinal));
        Assert.All(errors.All, e => Assert.DoesNotContain(new string('q', 32), e, StringComparison.Ordinal));
    }

    [Fact]
    public void A_gateway_client_of_an_account_with_an_AppSecret_adds_YARP_routes_to_WeChat()
    {
        var configuration = Example(
            ("Relay:Accounts:main:AppSecret", "an-app-secret-for-the-test-0000000"),
            ("Relay:ApiGateway:Clients:bot:Account", "main"),
            ("Relay:ApiGateway:Clients:bot:Secret", new string('b', 32)),
            ("Relay:ApiGateway:Clients:bot:Apis:0", "/cgi-bin/message/custom/send"),
            ("Relay:ApiGateway:Clients:bot:Apis:1", "/datacube/getusersummary"));
        var errors = new ConfigurationErrors();

        var model = Build(configuration, errors);

        Assert.Empty(errors.All);
        Assert.Equal(["/cgi-bin", "/datacube"], model!.Gateway!.PathRoots);
        Assert.Contains(model.Proxy.Routes, r => r.RouteId == "mprelay-api-datacube" && r.ClusterId == ApiGatewayModel.ClusterId);
        Assert.Equal("https://api.weixin.qq.com/", Assert.Single(model.Proxy.Clusters, c => c.ClusterId == ApiGatewayModel.ClusterId).Destinations!["wechat"].Address);
        Assert.True(model.Gateway.Clients["bot"].MayCall("/cgi-bin/message/custom/send"));
        Assert.False(model.Gateway.Clients["bot"].MayCall("/cgi-bin/message/custom/typing"));
    }

    // The example file, its placeholders filled, with some keys set over it.
    private static IConfiguration Example(params (string Key, string Value)[] overrides) =>
        new ConfigurationBuilder()
            .AddJsonFile(ExampleValues.File)
            .AddInMemoryCollection(ExampleValues.Filled())
            .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)))
            .Build();

    private static string Key(string error) => error[..error.IndexOf(": ", StringComparison.Ordinal)];

    private static RelayModel? Build(IConfiguration configuration, ConfigurationErrors errors) =>
        ConfigurationLoader.Standalone("Production").Load(configuration, errors);
}
