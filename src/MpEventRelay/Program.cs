using MpEventRelay;
using Serilog;

// Two-stage bootstrap: a console logger until the configured one exists, so start-up errors are never silent.
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();

try
{
    var app = RelayApp.Create(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is not HostAbortedException)
{
    Log.Fatal(e, "MpEventRelay failed to start");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
