namespace MpEventRelay.Configuration.Validation;

/// <summary>
/// The demo's Token and keys are public (they are in this repository): outside the Development environment an
/// account or target that uses one would let anyone push validly signed events, so it is refused.
/// </summary>
internal static class DemoSecretsValidator
{
    public static void Validate(RelayOptions options, string environmentName, ConfigurationErrors errors)
    {
        if (string.Equals(environmentName, Environments.Development, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        Check($"{RelayOptions.SectionName}:Admin:Key", options.Admin.Key, errors);
        foreach (var (name, account) in options.Accounts)
        {
            var key = $"{RelayOptions.SectionName}:Accounts:{name}";
            Check($"{key}:Token", account.Token, errors);
            Check($"{key}:EncodingAESKey", account.EncodingAESKey, errors);
            Check($"{key}:PreviousEncodingAESKey", account.PreviousEncodingAESKey, errors);
            Check($"{key}:AppSecret", account.AppSecret, errors);
            foreach (var (targetName, target) in account.Targets)
            {
                Check($"{key}:Targets:{targetName}:Token", target.Token, errors);
                Check($"{key}:Targets:{targetName}:EncodingAESKey", target.EncodingAESKey, errors);
            }
        }
    }

    private static void Check(string key, string? value, ConfigurationErrors errors)
    {
        if (value is not null && DemoSecrets.All.Contains(value))
        {
            errors.Add(key, $"is a demo secret published with MpEventRelay; it is accepted only in the {Environments.Development} environment.", "use the Token and EncodingAESKey set in WeChat's console (or the target's own settings).");
        }
    }
}
