using System.Collections.Frozen;
using MpEventRelay.Configuration;

namespace MpEventRelay.Model;

/// <summary>
/// The whole running configuration, the relay's and YARP's; swapped as one piece on a good reload. A push or an
/// outbox delivery reads it once and uses that one snapshot from start to end.
/// </summary>
internal sealed record RelayModel
{
    public required RelayOptions Options { get; init; }
    public required FrozenDictionary<string, AccountModel> AccountsByPath { get; init; }
    public required FrozenDictionary<string, AccountModel> AccountsByName { get; init; }
    public required ProxyConfigSnapshot Proxy { get; init; }

    /// <summary>The API gateway; null while no client is configured.</summary>
    public ApiGatewayModel? Gateway { get; init; }

    public AccountModel? FindAccount(string path) =>
        AccountsByPath.TryGetValue(path.Length > 1 ? path.TrimEnd('/') : path, out var account) ? account : null;
}
