using System.Text;
using Microsoft.AspNetCore.Http;
using MpEventRelay.Inbound;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.UnitTests.Inbound;

/// <summary>WeChat's parameters read from the query string as <c>Request.Query</c> reads them, without building it.</summary>
public sealed class PushQueryReaderTests
{
    private static readonly string[] Names = ["signature", "timestamp", "nonce", "openid", "encrypt_type", "msg_signature", "echostr", "Signature", "NONCE", "Encrypt_Type", "other", "signaturex", "", "sig%6Eature", "open+id"];
    private static readonly string[] Values = ["", "abc", "1714112446", "a+b", "a%20b", "%E4%BD%A0", "x=y", "%", "%zz", "aes", "o_123-XYZ", "%2B", "a,b"];

    [Fact]
    public void A_push_s_query_reads_its_parameters()
    {
        var query = PushQueryReader.Read(Request("?signature=s1&timestamp=1714112446&nonce=n2&openid=o3&encrypt_type=aes&msg_signature=m4"));

        Assert.Equal(new PushQuery { Signature = "s1", Timestamp = "1714112446", Nonce = "n2", OpenId = "o3", EncryptType = "aes", MsgSignature = "m4" }, query);
    }

    [Fact]
    public void Every_query_string_reads_as_Request_Query_reads_it()
    {
        // Case, repetition, escapes, '+', empty and missing values, unknown names: 20,000 generated query strings.
        var random = new Random(20261208);
        for (var i = 0; i < 20_000; i++)
        {
            var text = Generate(random);
            var request = Request(text);

            var expected = PushQuery.From(name => request.Query[name]);

            Assert.True(expected == PushQueryReader.Read(request), $"query {text}: expected {expected}, read {PushQueryReader.Read(request)}");
        }
    }

    private static string Generate(Random random)
    {
        var text = new StringBuilder(random.Next(3) == 0 ? "" : "?");
        var parameters = random.Next(0, 9);
        for (var p = 0; p < parameters; p++)
        {
            text.Append(p == 0 ? "" : random.Next(8) == 0 ? "&&" : "&").Append(Names[random.Next(Names.Length)]);
            if (random.Next(6) != 0)
            {
                text.Append('=').Append(Values[random.Next(Values.Length)]);
            }
        }

        return text.ToString();
    }

    private static HttpRequest Request(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query.Length == 0 || query[0] == '?' ? query : "?" + query);
        return context.Request;
    }
}
