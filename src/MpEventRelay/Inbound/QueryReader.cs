using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Inbound;

/// <summary>WeChat's query parameters from an ASP.NET Core request.</summary>
internal static class QueryReader
{
    public static PushQuery Read(IQueryCollection query) => new()
    {
        Signature = query["signature"],
        Timestamp = query["timestamp"],
        Nonce = query["nonce"],
        OpenId = query["openid"],
        EncryptType = query["encrypt_type"],
        MsgSignature = query["msg_signature"],
        EchoStr = query["echostr"],
    };
}
