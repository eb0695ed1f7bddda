using System.Text.Json;
using System.Text.Json.Nodes;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>Builds a relay configuration for a test: the account, its targets (on stubs' addresses) and routes.</summary>
internal sealed class RelayConfig
{
    private readonly JsonObject _relay = new()
    {
        ["Accounts"] = new JsonObject(),
        // Every relay in a test gets its own outbox file.
        ["Storage"] = new JsonObject { ["SqlitePath"] = Path.Combine(Path.GetTempPath(), "mprelay-tests", Guid.NewGuid().ToString("N") + ".db") },
    };
    private readonly JsonObject _clusters = new();

    public RelayConfig Set(string key, JsonNode value)
    {
        _relay[key] = value;
        return this;
    }

    /// <summary>Outbox retries every ~100 ms and expiry after <paramref name="expiry"/>; no HTTP retries, so counts are exact.</summary>
    public RelayConfig FastRetries(string expiry = "00:01:00") =>
        Set("Outbox", new JsonObject { ["PollInterval"] = "00:00:00.1", ["RetryBaseDelay"] = "00:00:00.1", ["RetryMaxDelay"] = "00:00:00.4", ["Expiry"] = expiry })
        .Set("Resilience", new JsonObject { ["MaxRetries"] = 0, ["AttemptTimeout"] = "00:00:01", ["MinimumThroughput"] = 1000 });

    /// <summary><see cref="FastRetries(string)"/> with a short outbox lease, so a killed replica's claimed work is taken over quickly.</summary>
    public RelayConfig FastRetries(TimeSpan lease)
    {
        FastRetries();
        _relay["Outbox"]!["Lease"] = lease.ToString();
        return this;
    }

    public RelayConfig SqlitePath(string path, string? redis = null, string? prefix = null)
    {
        var storage = new JsonObject { ["SqlitePath"] = path };
        if (redis is not null)
        {
            storage["Redis"] = redis;
            storage["RedisKeyPrefix"] = prefix ?? $"test-{Guid.NewGuid():N}:";
        }

        return Set("Storage", storage);
    }

    public RelayConfig Redis(string configuration, string prefix) =>
        SqlitePath(Path.Combine(Path.GetTempPath(), "mprelay-tests", Guid.NewGuid().ToString("N") + ".db"), configuration, prefix);

    public RelayConfig AdminKey(string key) => Set("Admin", new JsonObject { ["Key"] = key });

    public RelayConfig Account(string name, string path, JsonObject targets, JsonArray routes, bool allowPlaintext = false, string token = Keys.AccountToken, string key = Keys.AccountKey, string appId = Keys.AppId)
    {
        _relay["Accounts"]![name] = new JsonObject
        {
            ["Path"] = path,
            ["AppId"] = appId,
            ["Token"] = token,
            ["EncodingAESKey"] = key,
            ["AllowPlaintext"] = allowPlaintext,
            ["Targets"] = targets,
            ["Routes"] = routes,
        };
        return this;
    }

    /// <summary>Lets every account accept plaintext pushes (off by default: they can be forged), for tests of plaintext mode.</summary>
    public RelayConfig AllowPlaintext()
    {
        foreach (var (_, account) in _relay["Accounts"]!.AsObject())
        {
            account!["AllowPlaintext"] = true;
        }

        return this;
    }

    /// <summary>WeChat's API at the stand-in, every account with an AppSecret; optionally WeChat's attempt timeout scaled down.</summary>
    public RelayConfig WeChatApi(WeChatApiStub api, string? attemptTimeout = null)
    {
        var section = new JsonObject { ["BaseAddress"] = api.BaseAddress };
        if (attemptTimeout is not null)
        {
            section["AttemptTimeout"] = attemptTimeout;
        }

        foreach (var (_, account) in _relay["Accounts"]!.AsObject())
        {
            account!["AppSecret"] = Keys.AppSecret;
        }

        return Set("WeChatApi", section);
    }

    /// <summary>
    /// The API gateway with two clients of account main: "bot" (customer-service messages and user info, with
    /// <paramref name="botPermitsPerMinute"/>) and "qr" (QR codes). Needs <see cref="WeChatApi"/> for the AppSecret.
    /// </summary>
    public RelayConfig ApiGateway(int botPermitsPerMinute = 0) => Set("ApiGateway", new JsonObject
    {
        ["Clients"] = new JsonObject
        {
            ["bot"] = new JsonObject { ["Account"] = "main", ["Secret"] = Keys.BotClientSecret, ["Apis"] = new JsonArray("/cgi-bin/message/custom/send", "/cgi-bin/user/info"), ["PermitsPerMinute"] = botPermitsPerMinute },
            ["qr"] = new JsonObject { ["Account"] = "main", ["Secret"] = Keys.QrClientSecret, ["Apis"] = new JsonArray("/cgi-bin/qrcode/create") },
        },
    });

    /// <summary>Sets <paramref name="key"/> on the account's route named <paramref name="route"/>.</summary>
    public RelayConfig Route(string route, string key, JsonNode? value, string account = "main")
    {
        foreach (var node in _relay["Accounts"]![account]!["Routes"]!.AsArray())
        {
            if ((string?)node!["Name"] == route)
            {
                node[key] = value;
            }
        }

        return this;
    }

    /// <summary>The login route answered by the IDaaS first, then the bot (its welcome): the example configuration's.</summary>
    public RelayConfig LoginRepliedByIdaasThenBot() =>
        Route("login", "Target", null).Route("login", "Mirror", new JsonArray()).Route("login", "Repliers", new JsonArray("idaas", "bot"));

    public RelayConfig Cluster(string name, params string[] addresses)
    {
        var destinations = new JsonObject();
        for (var i = 0; i < addresses.Length; i++)
        {
            destinations[$"d{i}"] = new JsonObject { ["Address"] = addresses[i] };
        }

        _clusters[name] = new JsonObject { ["Destinations"] = destinations };
        return this;
    }

    /// <summary>The usual Mode Two account: login events to the IDaaS (bot mirrored), everything else to the bot.</summary>
    public static RelayConfig ModeTwo(TargetStub idaas, TargetStub bot, string idaasEncryption = "Secure", string botEncryption = "SameAsInbound") =>
        new RelayConfig()
            .Cluster("idaas", idaas.Address)
            .Cluster("bot", bot.Address)
            .Account("main", "/wechat/main", Targets(idaasEncryption, botEncryption), new JsonArray
            {
                new JsonObject { ["Name"] = "login", ["Match"] = new JsonObject { ["MsgType"] = "event", ["Event"] = new JsonArray("subscribe", "SCAN") }, ["Target"] = "idaas", ["Mirror"] = new JsonArray("bot") },
                new JsonObject { ["Name"] = "everything-else", ["Target"] = "bot" },
            });

    public static JsonObject Targets(string idaasEncryption = "Secure", string botEncryption = "SameAsInbound") => new()
    {
        ["idaas"] = new JsonObject { ["Cluster"] = "idaas", ["Token"] = Keys.IdaasToken, ["EncodingAESKey"] = Keys.IdaasKey, ["Encryption"] = idaasEncryption },
        ["bot"] = new JsonObject { ["Cluster"] = "bot", ["Token"] = Keys.BotToken, ["EncodingAESKey"] = Keys.BotKey, ["Encryption"] = botEncryption },
    };

    public string ToJson() => new JsonObject
    {
        ["Relay"] = JsonNode.Parse(_relay.ToJsonString()),
        ["ReverseProxy"] = new JsonObject { ["Clusters"] = JsonNode.Parse(_clusters.ToJsonString()) },
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
