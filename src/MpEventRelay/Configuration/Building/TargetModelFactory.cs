using MpEventRelay.Model;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Configuration.Building;

/// <summary>An account's targets: each names a cluster YARP accepted, with its own Token and key.</summary>
internal static class TargetModelFactory
{
    public static Dictionary<string, TargetModel> Create(string accountKey, AccountOptions account, WeChatCryptor? accountCryptor, Func<string, int?> destinationCount, ConfigurationErrors errors)
    {
        var targets = new Dictionary<string, TargetModel>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, target) in account.Targets)
        {
            var key = $"{accountKey}:Targets:{name}";
            var before = errors.Count;
            var destinations = string.IsNullOrWhiteSpace(target.Cluster) ? null : destinationCount(target.Cluster);
            if (destinations is null)
            {
                errors.Add($"{key}:Cluster", $"'{target.Cluster}' is not a valid cluster in ReverseProxy:Clusters.", "name a cluster defined (without errors) under ReverseProxy:Clusters, with the target's URL as a destination.");
            }
            else if (destinations == 0)
            {
                errors.Add($"{key}:Cluster", $"cluster '{target.Cluster}' has no destination.", "add the target's URL under ReverseProxy:Clusters:" + target.Cluster + ":Destinations.");
            }

            Secrets.CheckToken($"{key}:Token", target.Token, errors);
            var needsKey = target.Encryption != TargetEncryption.Plaintext && (target.Encryption != TargetEncryption.SameAsInbound || accountCryptor is not null);
            var cryptor = Secrets.Cryptor(key, account.AppId, target.EncodingAESKey, null, needsKey, errors);
            if (errors.Count != before)
            {
                continue;
            }

            targets[name] = new TargetModel
            {
                Name = name,
                ClusterId = target.Cluster!,
                Keys = new WeChatKeys(target.Token!, cryptor),
                Encryption = target.Encryption,
                SharesAccountKey = cryptor is not null && accountCryptor is not null && cryptor.SharesKeyWith(accountCryptor),
            };
        }

        return targets;
    }
}
