namespace MpEventRelay.Storage;

/// <summary>A store call failed, timed out or was refused by its open circuit; the caller takes its fall-back path.</summary>
internal sealed class StoreUnavailableException(string store, string reason, Exception? inner = null)
    : Exception($"store {store} unavailable: {reason}", inner)
{
    public string Store { get; } = store;
}
