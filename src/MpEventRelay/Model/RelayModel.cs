using System.Collections.Frozen;
using MpEventRelay.Configuration;

namespace MpEventRelay.Model;

/// <summary>The whole running configuration; swapped as one piece on a good reload.</summary>
internal sealed class RelayModel
{
    public required RelayOptions Options { get; init; }
    public required FrozenDictionary<string, AccountModel> AccountsByPath { get; init; }
    public required FrozenDictionary<string, AccountModel> AccountsByName { get; init; }

    public AccountModel? FindAccount(string path) =>
        AccountsByPath.TryGetValue(path.Length > 1 ? path.TrimEnd('/') : path, out var account) ? account : null;
}
