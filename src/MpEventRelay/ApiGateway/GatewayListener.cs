using MpEventRelay.Configuration;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Hosting;
using MpEventRelay.Model;

namespace MpEventRelay.ApiGateway;

/// <summary>
/// Whether a request arrived where the gateway is served: the management listener by default (never the public push
/// port, unless management itself is served there or the operator chose <see cref="ApiGatewayListener.Push"/>).
/// </summary>
internal sealed class GatewayListener(IHostEnvironment environment, RelayModelProvider models, ManagementListener? management = null)
{
    public bool Serves(HttpContext context, ApiGatewayModel gateway)
    {
        var onManagement = management is not null && management.IsManagementRequest(context);
        if (gateway.Listener == ApiGatewayListener.Push)
        {
            return !onManagement;
        }

        return management is not null ? onManagement : environment.IsDevelopment() || models.Current.Options.Management.OnPushPort;
    }
}
