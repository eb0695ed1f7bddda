using Microsoft.AspNetCore.WebUtilities;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Inbound;

/// <summary>
/// WeChat's parameters, read straight from the query string: the request's query collection (a dictionary with a
/// string for every name) is never built for a push. It reads as <c>Request.Query[name]</c> does: names match without
/// regard to case, a repeated name joins its non-empty values with commas (as <c>StringValues</c> does), and
/// <c>%xx</c> and <c>+</c> are decoded.
/// </summary>
internal static class PushQueryReader
{
    private static readonly string[] Names = ["signature", "timestamp", "nonce", "openid", "encrypt_type", "msg_signature", "echostr"];

    public static PushQuery Read(HttpRequest request)
    {
        var values = new string?[Names.Length];
        foreach (var pair in new QueryStringEnumerable(request.QueryString.Value))
        {
            var slot = IndexOf(pair.DecodeName().Span);
            if (slot >= 0)
            {
                var value = pair.DecodeValue().ToString();
                values[slot] = values[slot] is { Length: > 0 } earlier ? value.Length == 0 ? earlier : earlier + "," + value : value;
            }
        }

        return new PushQuery
        {
            Signature = values[0],
            Timestamp = values[1],
            Nonce = values[2],
            OpenId = values[3],
            EncryptType = values[4],
            MsgSignature = values[5],
            EchoStr = values[6],
        };
    }

    private static int IndexOf(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (name.Equals(Names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
