namespace MpEventRelay.Configuration.Validation;

/// <summary>
/// What a valid configuration still leaves open, said at every load: accounts whose pushes anyone who has seen one
/// signed URL can forge, and the upgrade note for configurations written when plaintext was accepted by default.
/// </summary>
internal static class SecurityWarnings
{
    public static IEnumerable<string> For(RelayOptions options)
    {
        foreach (var (name, account) in options.Accounts)
        {
            var hasKey = !string.IsNullOrEmpty(account.EncodingAESKey);
            if (!hasKey)
            {
                yield return $"Account {name} has no EncodingAESKey: its pushes are plaintext, whose signature does not cover the body, so anyone who has seen one signed URL can forge a push (a SCAN that logs them in as someone else). Set the key and switch WeChat's console to secure mode.";
            }
            else if (account.AllowPlaintext)
            {
                yield return $"Account {name} accepts plaintext pushes (AllowPlaintext): each signature is bound to the first body seen with it, but a captured signature can still carry a forged body before the genuine one arrives. Switch WeChat's console to secure mode and remove AllowPlaintext.";
            }

            if (hasKey && account.RequireEncryption == false && !account.AllowPlaintext)
            {
                yield return $"Account {name}: RequireEncryption: false no longer accepts plaintext pushes. Since this version an account with an EncodingAESKey refuses them (401); if WeChat's console is still in plaintext mode, set AllowPlaintext: true until it is switched to secure mode.";
            }
        }
    }
}
