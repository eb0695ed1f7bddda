using Microsoft.Extensions.Primitives;
using MpEventRelay.Configuration;

namespace MpEventRelay.Model;

/// <summary>
/// Holds the running <see cref="RelayModel"/>. The first load fails start-up with every error listed; a bad reload
/// is logged with every error and the last good model stays in force.
/// </summary>
internal sealed class RelayModelProvider : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILogger<RelayModelProvider> _logger;
    private readonly IDisposable _reloadSubscription;
    private volatile RelayModel _current;

    public RelayModelProvider(IConfiguration configuration, ILogger<RelayModelProvider> logger)
    {
        _configuration = configuration;
        _logger = logger;
        var errors = new ConfigurationErrors();
        _current = Build(errors) ?? throw new InvalidRelayConfigurationException(errors.All);
        _reloadSubscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    /// <summary>The model in force now. Read it once per request: a reload swaps it whole.</summary>
    public RelayModel Current => _current;

    /// <summary>Raised when a reload is refused, with its problems.</summary>
    public event Action<IReadOnlyList<string>>? ReloadRefused;

    /// <summary>The problems of the last reload that was refused, if the last reload was refused.</summary>
    public IReadOnlyList<string> LastReloadErrors { get; private set; } = [];

    public void Dispose() => _reloadSubscription.Dispose();

    private void Reload()
    {
        var errors = new ConfigurationErrors();
        RelayModel? model;
        try
        {
            model = Build(errors);
        }
        catch (InvalidOperationException e)
        {
            // The binder refuses values of the wrong type (e.g. "Deadline": "soon").
            errors.Add(RelayOptions.SectionName, e.Message, "correct the value's type.");
            model = null;
        }

        if (model is null)
        {
            LastReloadErrors = errors.All;
            ReloadRefused?.Invoke(errors.All);
            _logger.LogError("Configuration reload refused; the last good configuration stays in force. Problems: {Problems}", errors.All);
            return;
        }

        LastReloadErrors = [];
        _current = model;
        _logger.LogInformation("Configuration reloaded: {AccountCount} account(s)", model.AccountsByPath.Count);
    }

    private RelayModel? Build(ConfigurationErrors errors) => RelayModelBuilder.FromConfiguration(_configuration, errors);
}
