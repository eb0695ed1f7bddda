using System.Text.Json;
using MpEventRelay.Model;

namespace MpEventRelay.WeChatApi;

/// <summary>
/// WeChat's customer-service message API: <c>message/custom/send</c> (a late reply) and <c>message/custom/typing</c>.
/// A refused token (40001, 40014, 42001) is refreshed and the call made once more — the refusal proves WeChat did
/// nothing; WeChat busy (-1) or not reached is retried by the HTTP client (<see cref="ApiResilience"/>); every other
/// error is final — logged with its meaning and counted by the caller.
/// </summary>
internal sealed class CustomServiceClient(ApiCaller api, AccessTokenSource tokens)
{
    /// <summary>Sends a customer-service message (the JSON of <see cref="Replies.CustomMessage"/>).</summary>
    public Task<ApiAnswer> SendAsync(AccountModel account, byte[] json, CancellationToken cancellationToken) =>
        CallAsync(account, "cgi-bin/message/custom/send", json, cancellationToken);

    /// <summary>Shows the user "typing…" for up to 15 s, or until the next message.</summary>
    public Task<ApiAnswer> TypingAsync(AccountModel account, string openId, CancellationToken cancellationToken) =>
        CallAsync(account, "cgi-bin/message/custom/typing", JsonSerializer.SerializeToUtf8Bytes(new { touser = openId, command = "Typing" }), cancellationToken);

    private async Task<ApiAnswer> CallAsync(AccountModel account, string path, byte[] json, CancellationToken cancellationToken)
    {
        var (accessToken, failure) = await tokens.GetAsync(account, refused: null, cancellationToken).ConfigureAwait(false);
        if (accessToken is null)
        {
            return failure!;
        }

        var answer = await api.PostAsync(path, accessToken, json, cancellationToken).ConfigureAwait(false);
        if (!answer.TokenRefused)
        {
            return answer;
        }

        // Replaced or expired before its time: one fresh token (only if no one else refreshed it already), one more try.
        (accessToken, failure) = await tokens.GetAsync(account, refused: accessToken, cancellationToken).ConfigureAwait(false);
        return accessToken is null ? failure! : await api.PostAsync(path, accessToken, json, cancellationToken).ConfigureAwait(false);
    }
}
