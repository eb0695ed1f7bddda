using MpEventRelay.Protocol.Crypto;

namespace MpEventRelay.Configuration.Building;

/// <summary>Checks a Token and builds a cryptor from an EncodingAESKey; the errors never repeat the secret.</summary>
internal static class Secrets
{
    public static void CheckToken(string key, string? token, ConfigurationErrors errors)
    {
        if (string.IsNullOrEmpty(token) || token.Length is < 3 or > 32 || !token.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add(key, "is missing or not 3-32 letters and digits.", "copy the Token from the server's settings (WeChat's console for an account, the IDaaS or bot settings for a target).");
        }
    }

    public static WeChatCryptor? Cryptor(string key, string? appId, string? current, string? previous, bool required, ConfigurationErrors errors)
    {
        if (string.IsNullOrEmpty(current))
        {
            if (required)
            {
                errors.Add($"{key}:EncodingAESKey", "is missing but encryption is required.", "copy the 43-character EncodingAESKey from the settings.");
            }

            return null;
        }

        var ok = true;
        if (!EncodingAesKey.IsValid(current))
        {
            errors.Add($"{key}:EncodingAESKey", $"is {Shape(current)}, not 43 characters of A-Z, a-z, 0-9.", "copy it again from the settings; it has no '=' at the end.");
            ok = false;
        }

        if (!string.IsNullOrEmpty(previous) && !EncodingAesKey.IsValid(previous))
        {
            errors.Add($"{key}:PreviousEncodingAESKey", $"is {Shape(previous)}, not 43 characters of A-Z, a-z, 0-9.", "use the key that was current before the rotation, or remove it.");
            ok = false;
        }

        return ok && !string.IsNullOrWhiteSpace(appId) ? new WeChatCryptor(appId, current, previous) : null;
    }

    // What was found, without the secret: its length, and what besides letters and digits it holds.
    private static string Shape(string value)
    {
        var others = value.Where(c => !char.IsAsciiLetterOrDigit(c)).Select(c => c switch { ' ' => "spaces", '=' => "'='", '\t' => "tabs", _ => "other characters" }).Distinct().ToList();
        return $"{value.Length} characters" + (others.Count == 0 ? "" : $" with {string.Join(" and ", others)}");
    }
}
