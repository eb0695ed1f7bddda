using System.Text;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;

namespace MpEventRelay.Protocol.Tests.Replies;

/// <summary>
/// Replies WeChat would refuse, cut or read differently are refused here: WeChat's elements in a namespace or twice,
/// text over 2,048 bytes, news with no or more than eight articles, or a count that does not match them.
/// </summary>
public sealed class ReplyLimitTests
{
    private static readonly WeChatKeys Bot = new("botToken", new WeChatCryptor(Vectors.V2.AppId, Vectors.V4.Key));
    private const string Head = "<ToUserName>sender</ToUserName><FromUserName>gh_1</FromUserName><CreateTime>1</CreateTime>";

    [Theory]
    [InlineData("<ToUserName xmlns=\"urn:x\">oVICTIM</ToUserName>" + Head + "<MsgType>text</MsgType><Content>hi</Content>")]
    [InlineData(Head + "<MsgType>text</MsgType><x:Content xmlns:x=\"urn:x\">phish</x:Content><Content>hi</Content>")]
    [InlineData(Head + "<MsgType>text</MsgType><Content>hi</Content><Content xmlns=\"urn:x\">phish</Content>")]
    public void WeChat_elements_in_a_namespace_are_refused(string inner)
    {
        var e = Assert.Throws<ProtocolException>(() => Decode("<xml>" + inner + "</xml>"));
        Assert.Equal(ProtocolError.DuplicateElement, e.Error);
        Assert.Contains("in a namespace", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_elements_in_a_namespace_are_skipped()
    {
        var reply = Decode("<xml>" + Head + "<MsgType>text</MsgType><Content>hi</Content><x:Note xmlns:x=\"urn:x\">n</x:Note></xml>");

        Assert.Equal("hi", reply!.Fields.Content);
    }

    [Fact]
    public void Text_of_2048_bytes_passes_and_of_2049_is_refused_counting_UTF8_bytes()
    {
        var atLimit = new string('字', 682) + "ab"; // 682 × 3 + 2 = 2,048 bytes
        Assert.NotNull(Decode(Text(atLimit)));

        var e = Assert.Throws<ProtocolException>(() => Decode(Text(atLimit + "c")));
        Assert.Equal(ProtocolError.OverLimit, e.Error);
        Assert.Contains("2049 bytes", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void News_with_one_to_eight_articles_passes(int articles)
    {
        Assert.Equal(articles, Decode(News(articles, articles))!.Fields.ArticleItems);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(10_000)]
    public void News_with_no_or_more_than_eight_articles_is_refused(int articles)
    {
        var e = Assert.Throws<ProtocolException>(() => Decode(News(articles, articles), maxBytes: 4 * 1024 * 1024));
        Assert.Equal(ProtocolError.OverLimit, e.Error);
    }

    [Fact]
    public void News_whose_count_is_not_its_articles_is_refused()
    {
        var e = Assert.Throws<ProtocolException>(() => Decode(News(count: 1, articles: 2)));
        Assert.Equal(ProtocolError.MissingElement, e.Error);
        Assert.Contains("(1) is not its number of articles (2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reply_over_20_KB_is_refused_whatever_its_kind()
    {
        var filler = new string('a', ReplyDecoder.MaxReplyBytes);
        var e = Assert.Throws<ProtocolException>(() => Decode("<xml>" + Head + "<MsgType>image</MsgType><Image><MediaId>" + filler + "</MediaId></Image></xml>"));

        Assert.Equal(ProtocolError.OverLimit, e.Error);
    }

    [Fact]
    public void A_reply_of_exactly_20_KB_passes()
    {
        var shell = "<xml>" + Head + "<MsgType>image</MsgType><Image><MediaId></MediaId></Image></xml>";
        var xml = shell.Replace("<MediaId></MediaId>", "<MediaId>" + new string('a', ReplyDecoder.MaxReplyBytes - shell.Length) + "</MediaId>", StringComparison.Ordinal);

        Assert.Equal(ReplyDecoder.MaxReplyBytes, Encoding.UTF8.GetByteCount(xml));
        Assert.NotNull(Decode(xml));
    }

    private static PassiveReply? Decode(string xml, int maxBytes = WeChatXmlReader.DefaultMaxBytes) => ReplyDecoder.Decode(Encoding.UTF8.GetBytes(xml), Bot, maxBytes);

    private static string Text(string content) => "<xml>" + Head + "<MsgType>text</MsgType><Content><![CDATA[" + content + "]]></Content></xml>";

    private static string News(int count, int articles) =>
        "<xml>" + Head + $"<MsgType>news</MsgType><ArticleCount>{count}</ArticleCount><Articles>"
        + string.Concat(Enumerable.Range(0, articles).Select(i => $"<item><Title>t{i}</Title><Url>https://example.com/{i}</Url></item>"))
        + "</Articles></xml>";
}
