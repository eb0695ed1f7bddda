namespace MpEventRelay.Configuration.Validation;

/// <summary>The <c>Relay:WeChatApi</c> section, one error per key.</summary>
internal static class WeChatApiValidator
{
    private const string Key = $"{RelayOptions.SectionName}:WeChatApi";

    public static void Validate(RelayOptions options, ConfigurationErrors errors)
    {
        var api = options.WeChatApi;
        if (!api.BaseAddress.IsAbsoluteUri || api.BaseAddress.Scheme is not ("http" or "https"))
        {
            errors.Add($"{Key}:BaseAddress", $"'{api.BaseAddress}' is not an absolute http(s) address.", "leave it out (https://api.weixin.qq.com), or name a stand-in such as http://127.0.0.1:9000.");
        }

        if (api.AttemptTimeout <= options.Deadline)
        {
            errors.Add($"{Key}:AttemptTimeout", $"{api.AttemptTimeout} is not longer than the Deadline ({options.Deadline}).", "leave it out: WeChat waits 5 s per attempt.");
        }

        if (api.Attempts is < 1 or > 5)
        {
            errors.Add($"{Key}:Attempts", $"{api.Attempts} is outside 1..5.", "leave it out: WeChat makes 3 attempts.");
        }

        if (api.CallTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Key}:CallTimeout", "must be positive.", "use 00:00:05.");
        }
    }
}
