namespace MpEventRelay.Configuration.Reading;

/// <summary>
/// Binds the <c>Relay</c> section piece by piece, so one mistyped value or unknown key is reported with its key and
/// does not hide the others. Unknown keys are errors: a misspelt setting would otherwise silently keep its default.
/// </summary>
internal static class RelayOptionsReader
{
    private const string Root = RelayOptions.SectionName;

    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(RelayOptions.Deadline), nameof(RelayOptions.ClockSkew), nameof(RelayOptions.DeliveryTimeout),
        nameof(RelayOptions.MaxBodyBytes), nameof(RelayOptions.Resilience), nameof(RelayOptions.Storage),
        nameof(RelayOptions.Outbox), nameof(RelayOptions.Admin), nameof(RelayOptions.Dedup),
        nameof(RelayOptions.Management), nameof(RelayOptions.WeChatApi), nameof(RelayOptions.ApiGateway), nameof(RelayOptions.Trail), nameof(RelayOptions.Accounts),
    };

    public static RelayOptions Read(IConfiguration configuration, ConfigurationErrors errors)
    {
        var section = configuration.GetSection(Root);
        foreach (var child in section.GetChildren())
        {
            if (!Known.Contains(child.Key))
            {
                errors.Add(child.Path, UnknownKeys.Nearest(child.Key, Known) is { } nearest ? $"is not a setting of the relay: did you mean {nearest}?" : "is not a setting of the relay.", $"check the spelling; the settings are {string.Join(", ", Known)}.");
            }
        }

        var defaults = new RelayOptions();
        return new RelayOptions
        {
            Deadline = Value(section, nameof(RelayOptions.Deadline), defaults.Deadline, errors),
            ClockSkew = Value(section, nameof(RelayOptions.ClockSkew), defaults.ClockSkew, errors),
            DeliveryTimeout = Value(section, nameof(RelayOptions.DeliveryTimeout), defaults.DeliveryTimeout, errors),
            MaxBodyBytes = Value(section, nameof(RelayOptions.MaxBodyBytes), defaults.MaxBodyBytes, errors),
            Resilience = Object(section.GetSection(nameof(RelayOptions.Resilience)), defaults.Resilience, errors),
            Storage = Object(section.GetSection(nameof(RelayOptions.Storage)), defaults.Storage, errors),
            Outbox = Object(section.GetSection(nameof(RelayOptions.Outbox)), defaults.Outbox, errors),
            Admin = Object(section.GetSection(nameof(RelayOptions.Admin)), defaults.Admin, errors),
            Dedup = Object(section.GetSection(nameof(RelayOptions.Dedup)), defaults.Dedup, errors),
            Management = Object(section.GetSection(nameof(RelayOptions.Management)), defaults.Management, errors),
            WeChatApi = Object(section.GetSection(nameof(RelayOptions.WeChatApi)), defaults.WeChatApi, errors),
            ApiGateway = Object(section.GetSection(nameof(RelayOptions.ApiGateway)), defaults.ApiGateway, errors),
            Trail = Object(section.GetSection(nameof(RelayOptions.Trail)), defaults.Trail, errors),
            Accounts = Accounts(section.GetSection(nameof(RelayOptions.Accounts)), errors),
        };
    }

    private static Dictionary<string, AccountOptions> Accounts(IConfigurationSection section, ConfigurationErrors errors)
    {
        var accounts = new Dictionary<string, AccountOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (child.Value is not null && !child.GetChildren().Any())
            {
                // "Relay__Accounts__demo=" in the environment: a value where an account belongs.
                errors.Add(child.Path, "is a plain value, not an account.", "remove it, or give the account its Path, AppId, Token, Targets and Routes.");
                continue;
            }

            accounts[child.Key] = Object(child, new AccountOptions(), errors);
        }

        return accounts;
    }

    private static T Value<T>(IConfigurationSection section, string key, T fallback, ConfigurationErrors errors)
    {
        try
        {
            return section.GetValue(key, fallback)!;
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"{section.Path}:{key}", $"'{section[key]}' is not a valid {Describe(typeof(T))} ({e.InnerException?.Message ?? e.Message}).", $"write a {Describe(typeof(T))}, e.g. {Example(typeof(T))}.");
            return fallback;
        }
    }

    private static T Object<T>(IConfigurationSection section, T fallback, ConfigurationErrors errors)
        where T : class
    {
        if (!section.Exists())
        {
            return fallback;
        }

        // Unknown keys are reported one by one (with the nearest name); the rest still binds, so nothing else is
        // reported as missing because of a typo beside it.
        var unknown = UnknownKeys.Report(section, typeof(T), errors);
        try
        {
            return section.Get<T>(options => options.ErrorOnUnknownConfiguration = !unknown) ?? fallback;
        }
        catch (InvalidOperationException e)
        {
            var detail = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            errors.Add(section.Path, detail, "correct the value (a duration is written like 00:00:04.5, a number without quotes or units) or remove the misspelt key.");
            return fallback;
        }
    }

    private static string Describe(Type type) =>
        type == typeof(TimeSpan) ? "duration" : type == typeof(int) ? "whole number" : type.Name;

    private static string Example(Type type) =>
        type == typeof(TimeSpan) ? "00:00:04.5" : type == typeof(int) ? "262144" : "the documented value";
}
