namespace MpEventRelay.Configuration.Validation;

/// <summary>The <c>Relay:Admin</c> section: a key long enough that guessing it within the wrong-key limits is hopeless.</summary>
internal static class AdminValidator
{
    /// <summary>The shortest admin key accepted: 32 characters (e.g. <c>openssl rand -hex 16</c>).</summary>
    public const int MinimumKeyLength = 32;

    public static void Validate(AdminOptions options, ConfigurationErrors errors)
    {
        if (options.Key is { Length: > 0 and < MinimumKeyLength } key)
        {
            errors.Add($"{RelayOptions.SectionName}:Admin:Key", $"the admin key is {key.Length} characters; at least {MinimumKeyLength} are needed.", "generate one with: openssl rand -hex 16 (32 characters), or leave the key unset to turn the admin endpoints off.");
        }
    }
}
