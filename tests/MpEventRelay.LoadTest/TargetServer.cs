namespace MpEventRelay.LoadTest;

/// <summary>The downstream stand-in: reads the push and answers "success", nothing more.</summary>
internal static class TargetServer
{
    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var success = "success"u8.ToArray();
        app.MapGet("/{**path}", () => "ok");
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "text/plain";
            await context.Response.Body.WriteAsync(success);
        });
        await app.RunAsync();
    }
}
