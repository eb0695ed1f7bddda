using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Configuration;
using MpEventRelay.Model;

namespace MpEventRelay.Admin;

/// <summary>Admin endpoints need <c>X-Admin-Key</c> equal to <c>Relay:Admin:Key</c>; without a configured key they do not exist (404).</summary>
internal sealed class AdminKeyFilter(RelayModelProvider models) : IEndpointFilter
{
    public const string Header = "X-Admin-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = models.Current.Options.Admin.Key;
        if (string.IsNullOrEmpty(expected))
        {
            return Results.NotFound();
        }

        var given = context.HttpContext.Request.Headers[Header].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected))
            ? await next(context).ConfigureAwait(false)
            : Results.Text("X-Admin-Key is missing or wrong.", statusCode: StatusCodes.Status401Unauthorized);
    }
}
