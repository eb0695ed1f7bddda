using Microsoft.Extensions.Primitives;
using MpEventRelay.Model;

namespace MpEventRelay.Configuration.Loading;

/// <summary>
/// Holds the running <see cref="RelayModel"/> (YARP's routes and clusters included). The first load fails start-up
/// with every error listed; a bad reload is logged with every error and the last good model stays in force, and the
/// next edit is watched all the same. Settings that need a restart keep their running value, with a warning.
/// </summary>
internal sealed partial class RelayModelProvider : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ConfigurationLoader _loader;
    private readonly ILogger<RelayModelProvider> _logger;
    private readonly IDisposable _reloadSubscription;
    private readonly Lock _reloadLock = new();
    private volatile RelayModel _current;

    public RelayModelProvider(IConfiguration configuration, ConfigurationLoader loader, ILogger<RelayModelProvider> logger)
    {
        _configuration = configuration;
        _loader = loader;
        _logger = logger;
        var errors = new ConfigurationErrors();
        _current = _loader.Load(configuration, errors) ?? throw new InvalidRelayConfigurationException(errors.All);
        WarnAbout(_current);
        _reloadSubscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    /// <summary>The model in force now. Read it once per push or delivery: a reload swaps it whole.</summary>
    public RelayModel Current => _current;

    /// <summary>Raised when a reload is refused, with its problems.</summary>
    public event Action<IReadOnlyList<string>>? ReloadRefused;

    /// <summary>The problems of the last reload that was refused, if the last reload was refused.</summary>
    public IReadOnlyList<string> LastReloadErrors { get; private set; } = [];

    /// <summary>When the configuration last changed on disk or in the environment (applied or refused); null before any reload.</summary>
    public DateTimeOffset? LastReloadAt { get; private set; }

    public void Dispose() => _reloadSubscription.Dispose();

    // Runs on the configuration's change callback: nothing may escape, or later changes would go unwatched.
    private void Reload()
    {
        lock (_reloadLock)
        {
            LastReloadAt = DateTimeOffset.UtcNow; // for the console only
            var errors = new ConfigurationErrors();
            RelayModel? model;
            try
            {
                model = _loader.Load(_configuration, errors);
            }
            catch (Exception e)
            {
                errors.Add("(configuration)", $"could not be read: {e.GetType().Name}: {e.Message}", "correct the file; the last good configuration stays in force.");
                model = null;
            }

            if (model is null)
            {
                LastReloadErrors = errors.All;
                ReloadRefused?.Invoke(errors.All);
                LogRefused(errors.All.Count, string.Join(Environment.NewLine, errors.All));
                return;
            }

            var previous = _current;
            model = KeepRestartOnlySettings(previous, model);
            LastReloadErrors = [];
            _current = model;
            WarnAbout(model);
            previous.Proxy.Replaced();
            LogReloaded(model.AccountsByPath.Count, model.Proxy.Clusters.Count);
        }
    }

    private void WarnAbout(RelayModel model)
    {
        foreach (var warning in Validation.SecurityWarnings.For(model.Options))
        {
            LogSecurity(warning);
        }
    }

    private RelayModel KeepRestartOnlySettings(RelayModel running, RelayModel loaded)
    {
        var options = loaded.Options;
        if (options.Storage != running.Options.Storage)
        {
            LogRestartNeeded("Relay:Storage");
            options = options with { Storage = running.Options.Storage };
        }

        if (options.Management != running.Options.Management)
        {
            LogRestartNeeded("Relay:Management");
            options = options with { Management = running.Options.Management };
        }

        return ReferenceEquals(options, loaded.Options) ? loaded : loaded with { Options = options };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Configuration reload refused ({Count} problem(s)); the last good configuration stays in force:\n{Problems}")]
    private partial void LogRefused(int count, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Security: {Warning}")]
    private partial void LogSecurity(string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration reloaded: {AccountCount} account(s), {ClusterCount} cluster(s)")]
    private partial void LogReloaded(int accountCount, int clusterCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration reload: {Section} changed but cannot change while the relay runs; the running value stays until a restart")]
    private partial void LogRestartNeeded(string section);
}
