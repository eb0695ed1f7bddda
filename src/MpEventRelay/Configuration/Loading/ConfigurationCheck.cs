using MpEventRelay.Model;

namespace MpEventRelay.Configuration.Loading;

/// <summary>Validates a configuration with the relay's own rules, without starting it (for <c>mprelay check-config</c>).</summary>
public static class ConfigurationCheck
{
    /// <summary>Every problem (empty when valid), and for a valid configuration each account's path and route order.</summary>
    public static ConfigurationCheckResult Run(IConfiguration configuration, string environmentName = "Production")
    {
        var errors = new ConfigurationErrors();
        RelayModel? model;
        try
        {
            model = ConfigurationLoader.Standalone(environmentName).Load(configuration, errors);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            errors.Add("(configuration)", e.Message, "correct the value's type.");
            model = null;
        }

        var accounts = model?.AccountsByName.Values
            .Select(a => new AccountSummary(a.Name, a.Path, a.Routes.Select(r => r.Name).ToList(), a.Targets.Keys.ToList()))
            .ToList() ?? [];
        return new ConfigurationCheckResult(model is not null, errors.All, accounts);
    }
}

/// <summary>The outcome of <see cref="ConfigurationCheck.Run"/>.</summary>
public sealed record ConfigurationCheckResult(bool Valid, IReadOnlyList<string> Problems, IReadOnlyList<AccountSummary> Accounts);

/// <summary>One account of a valid configuration.</summary>
public sealed record AccountSummary(string Name, string Path, IReadOnlyList<string> Routes, IReadOnlyList<string> Targets);
