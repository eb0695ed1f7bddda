using MpEventRelay.Model;

namespace MpEventRelay.ApiGateway;

/// <summary>
/// One client's call through the gateway, shared by the middleware and the route's transforms: who calls, with which
/// of WeChat's tokens, and what WeChat answered.
/// </summary>
internal sealed class GatewayCall(ApiClientModel client, string api, string accessToken, bool retryable)
{
    public ApiClientModel Client { get; } = client;

    /// <summary>The API path (allowed for the client).</summary>
    public string Api { get; } = api;

    /// <summary>The relay's access token this attempt carries to WeChat in place of the client's.</summary>
    public string AccessToken { get; set; } = accessToken;

    /// <summary>The request body can be sent again (it was small enough to keep).</summary>
    public bool Retryable { get; } = retryable;

    /// <summary>1 for the first attempt, 2 for the one after a token refresh.</summary>
    public int Attempt { get; set; } = 1;

    /// <summary>WeChat's errcode, when its answer was JSON the relay read; null for any other answer (a media file).</summary>
    public int? ErrorCode { get; set; }

    /// <summary>WeChat refused the token (40001, 40014, 42001): the answer was held back so the call can be made again.</summary>
    public bool RetryWanted { get; set; }
}
