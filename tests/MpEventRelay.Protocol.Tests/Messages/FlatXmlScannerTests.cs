using System.Reflection;
using System.Text;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;

namespace MpEventRelay.Protocol.Tests.Messages;

/// <summary>
/// The flat scanner against XmlReader on the same bytes: wherever the scanner reads a body, XmlReader reads it too and to
/// the same fields; wherever it does not, the public reader answers as XmlReader does. Bodies are generated from WeChat's
/// shapes with the constructs each reader treats specially, then mutated byte by byte.
/// </summary>
public sealed class FlatXmlScannerTests
{
    private static readonly PropertyInfo[] FieldProperties = typeof(XmlFields).GetProperties();

    public static TheoryData<string> WeChatsOwnBodies() => new()
    {
        Vectors.V2.Body,
        Vectors.V2.Decrypted,
        Vectors.V5.Message,
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>",
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 😀 a & b <c>\n第二行]]></Content><MsgId>6054768590064713728</MsgId></xml>",
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event><Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision></xml>",
        "<xml>\n<ToUserName>gh_1</ToUserName>\n<Encrypt><![CDATA[abc=]]></Encrypt>\n</xml>\n",
    };

    [Theory]
    [MemberData(nameof(WeChatsOwnBodies))]
    public void Reads_what_WeChat_sends_as_XmlReader_does(string xml)
    {
        var body = Encoding.UTF8.GetBytes(xml);
        var fields = new XmlFields();

        Assert.True(FlatXmlScanner.TryRead(body, fields));
        Assert.Equal(Describe(ByXmlReader(body)), Describe(fields));
    }

    [Theory]
    [InlineData(EncryptionMode.Plaintext)]
    [InlineData(EncryptionMode.Compatible)]
    [InlineData(EncryptionMode.Secure)]
    public void Reads_what_the_relay_writes(EncryptionMode mode)
    {
        var keys = new WeChatKeys("targetToken", new WeChatCryptor(Vectors.V5.AppId, Vectors.V4.Key));
        var message = PushMessage.Parse(Vectors.Utf8(Vectors.V5.Message));
        var push = PushWriter.Write(message, keys, mode, "1714112999", "12345").Body;
        var reply = ReplyWriter.Encrypted(ReplyWriter.Text(message, "你好 ]]> there", 1714113000), keys, "1714113000", "67890");

        Assert.True(FlatXmlScanner.TryRead(push, new XmlFields()));
        Assert.True(FlatXmlScanner.TryRead(reply, new XmlFields()));
        Assert.False(FlatXmlScanner.TryRead(ReplyWriter.Text(message, "a ]]> b", 1), new XmlFields())); // a CDATA split in two is XmlReader's
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?><xml><Event>SCAN</Event></xml>")]
    [InlineData("\uFEFF<xml><Event>SCAN</Event></xml>")]
    [InlineData("<xml a=\"1\"><Event>SCAN</Event></xml>")]
    [InlineData("<xml><Event x=\"1\">SCAN</Event></xml>")]
    [InlineData("<xml><Event>S&amp;CAN</Event></xml>")]
    [InlineData("<xml><Event>SCAN\r\n</Event></xml>")]
    [InlineData("<xml><Event> </Event></xml>")]
    [InlineData("<xml><Event/></xml>")]
    [InlineData("<xml><Event>SCAN</Event><Event>CLICK</Event></xml>")]
    [InlineData("<xml><MsgId>1</MsgId><MsgID>2</MsgID></xml>")]
    [InlineData("<xml><x:Event xmlns:x=\"urn:x\">SCAN</x:Event></xml>")]
    [InlineData("<xml><ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo></xml>")]
    [InlineData("<xml><Articles><item/></Articles></xml>")]
    [InlineData("<xml><!-- c --><Event>SCAN</Event></xml>")]
    [InlineData("<xml><Event>SCAN</Event></xml><!-- c -->")]
    [InlineData("<xml><Event>SCAN</Event>text</xml>")]
    [InlineData("<xml><Event>SCAN</event></xml>")]
    [InlineData("<xml><Event><![CDATA[a]]><![CDATA[b]]></Event></xml>")]
    [InlineData("<xml><Event> <![CDATA[a]]></Event></xml>")]
    [InlineData("<xml><Event>a]]>b</Event></xml>")]
    [InlineData("<xml><Event>\uFFFE</Event></xml>")]
    [InlineData("<xml><Event>\u0001</Event></xml>")]
    [InlineData("<xml><1a>x</1a></xml>")]
    [InlineData("<xml><Évent>x</Évent></xml>")]
    [InlineData("<xml><Event>SCAN</Event>")]
    [InlineData("<xml/>")]
    public void Leaves_everything_outside_the_flat_shape_to_XmlReader(string xml) =>
        Assert.False(FlatXmlScanner.TryRead(Encoding.UTF8.GetBytes(xml), new XmlFields()));

    [Fact]
    public void Leaves_invalid_UTF8_to_XmlReader() =>
        Assert.False(FlatXmlScanner.TryRead((byte[])[.. "<xml><Event>"u8, 0xC3, 0x28, .. "</Event></xml>"u8], new XmlFields()));

    [Fact]
    public void Agrees_with_XmlReader_on_generated_and_mutated_bodies()
    {
        var random = new Random(20261203);
        var read = 0;
        const int Bodies = 30_000;
        for (var i = 0; i < Bodies; i++)
        {
            var body = Generate(random);
            if (i % 2 == 1)
            {
                body = Mutate(random, body);
            }

            var fields = new XmlFields();
            if (FlatXmlScanner.TryRead(body, fields))
            {
                read++;
                var expected = ReadOrRefusal(() => ByXmlReader(body));
                Assert.True(expected == Describe(fields), $"{Show(body)}\n scanner: {Describe(fields)}\n XmlReader: {expected}");
            }

            Assert.Equal(ReadOrRefusal(() => ByXmlReader(body)), ReadOrRefusal(() => WeChatXmlReader.Read(body)));
        }

        // The comparison means something only if the scanner read a good share of the bodies itself.
        Assert.InRange(read, Bodies / 10, Bodies);
    }

    private static readonly string[] Names =
        ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Event", "EventKey", "MsgId", "MsgID", "Content", "Encrypt", "Ticket",
         "Nonce", "TimeStamp", "MsgSignature", "ArticleCount", "Articles", "Latitude", "_x1", "xml", "item"];

    private static readonly string[] Values =
        ["abc", "1714112445", " 1714112445 ", "你好", "😀", "a & b", "&amp;", "&#x41;", "]]>", "]]", "]", "<", ">", "a>b", " ", "\t", "\n",
         "\r\n", "\r", "\u0001", "\u007F", "\u0085", "\uFFFE", "\uFFFD", "", "\"'", "<![CDATA[", "-->", "é"];

    private static readonly string[] CleanValues = ["abc", "1714112445", " 1714112445 ", "你好", "😀", "a>b", "\"'", "é", "\u007F", "x y"];

    // Half the bodies are of the flat shape (values XmlReader reads plainly), half draw from every construct: mutating
    // the first half gives bodies a byte away from the shape, where the two readers could part.
    private static byte[] Generate(Random random)
    {
        var clean = random.Next(2) == 0;
        var xml = new StringBuilder();
        xml.Append(clean ? "<xml>" : Pick(random, ["", "", "<?xml version=\"1.0\"?>", "\uFEFF", " ", "\n"]) + Pick(random, ["<xml>", "<xml>", "<xml >", "<xml a=\"1\">", "<XML>"]));
        var count = random.Next(0, 8);
        for (var i = 0; i < count; i++)
        {
            xml.Append(Pick<string>(random, clean ? ["", "", " ", "\n", "\n  ", "\t"] : ["", " ", "\r\n", "x", "<!--c-->", "<?p x?>"]));
            var name = Pick(random, Names);
            var value = string.Concat(Enumerable.Range(0, random.Next(0, 4)).Select(_ => Pick(random, clean ? CleanValues : Values)));
            xml.Append(random.Next(clean ? 9 : 12) switch
            {
                < 5 => $"<{name}><![CDATA[{value}{(clean ? Pick(random, ["", "&", "<b>", "]]", "\n"]) : "")}]]></{name}>",
                < 9 => $"<{name}>{value}</{name}>",
                9 => $"<{name}/>",
                10 => $"<{name}><item>{value}</item></{name}>",
                _ => $"<{name}><![CDATA[{value}]]>{Pick(random, Values)}</{name}>",
            });
        }

        xml.Append(clean ? Pick(random, ["</xml>", "</xml>\n"]) : Pick(random, ["</xml>", "</xml> ", "</xml>x", "</xml><!--c-->", "</xml>\r\n", ""]));
        return Encoding.UTF8.GetBytes(xml.ToString());
    }

    private static readonly byte[] Interesting = "<>/![]&;\"'= \t\n\r\0x1"u8.ToArray().Concat(new byte[] { 0xC3, 0xA9, 0xEF, 0xBF, 0xBE, 0xFF, 0x80 }).ToArray();

    private static byte[] Mutate(Random random, byte[] body)
    {
        var bytes = body.ToList();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(0, bytes.Count + 1);
            switch (random.Next(3))
            {
                case 0: bytes.Insert(at, Interesting[random.Next(Interesting.Length)]); break;
                case 1 when at < bytes.Count: bytes.RemoveAt(at); break;
                case 2 when at < bytes.Count: bytes[at] = Interesting[random.Next(Interesting.Length)]; break;
            }
        }

        return [.. bytes];
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static XmlFields ByXmlReader(byte[] body) => WeChatXmlReader.Read(body, WeChatXmlReader.DefaultMaxBytes, flat: false);

    private static string ReadOrRefusal(Func<XmlFields> read)
    {
        try
        {
            return Describe(read());
        }
        catch (Errors.ProtocolException e)
        {
            return $"refused: {e.Error}: {e.Message}";
        }
    }

    private static string Describe(XmlFields fields) =>
        string.Join(" | ", FieldProperties.Select(p => $"{p.Name}={Show(p.GetValue(fields))}"));

    private static string Show(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Convert.ToHexString(bytes),
        _ => System.Text.Json.JsonSerializer.Serialize(value.ToString()),
    };
}
