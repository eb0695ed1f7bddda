using MpEventRelay.Protocol.Signing;

namespace MpEventRelay.Protocol.Tests.Signing;

public sealed class WeChatSignatureTests
{
    [Theory]
    [InlineData("AAAAA", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696")] // V1 GET
    [InlineData("AAAAA", "1714037059", "486452656", "899cf89e464efb63f54ddac96b0a0a235f53aa78")] // V1 plain POST
    [InlineData("AAAAA", "1714112445", "415670741", "6c5c811b55cc85e0e1b54100749188c20beb3f5d")] // V1 secure POST
    [InlineData("spamtest", "1409735669", "1320562132", "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a")] // V2
    [InlineData("spamtest", "1714112445", "415670741", "39dac5c557c8580f7443b6b6891fd92b033a4ec9")] // V5
    public void Signature_matches_the_vectors(string token, string timestamp, string nonce, string expected)
    {
        Assert.Equal(expected, WeChatSignature.Compute(token, timestamp, nonce));
        Assert.True(WeChatSignature.Verify(expected, token, timestamp, nonce));
    }

    [Theory]
    [InlineData("AAAAA", "1714112445", "415670741", Vectors.V1.SecureEncrypt, "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3")]
    [InlineData("AAAAA", "1713424427", "415670741", Vectors.V1.ReplyEncrypt, "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1")]
    [InlineData(Vectors.V2.Token, Vectors.V2.Timestamp, Vectors.V2.Nonce, Vectors.V2.Encrypt, Vectors.V2.MsgSignature)]
    [InlineData(Vectors.V3.Token, "1409304348", "xxxxxx", Vectors.V3.Encrypt, Vectors.V3.MsgSignature)]
    [InlineData(Vectors.V4.Token, "1409659813", "1372623149", Vectors.V4.Encrypt, Vectors.V4.MsgSignature)]
    [InlineData(Vectors.V5.Token, Vectors.V5.Timestamp, Vectors.V5.Nonce, Vectors.V5.Encrypt, Vectors.V5.MsgSignature)]
    public void Msg_signature_matches_the_vectors(string token, string timestamp, string nonce, string encrypt, string expected)
    {
        Assert.Equal(expected, WeChatSignature.Compute(token, timestamp, nonce, encrypt));
        Assert.True(WeChatSignature.Verify(expected, token, timestamp, nonce, encrypt));
    }

    [Fact]
    public void Sort_is_ordinal_so_upper_case_sorts_before_lower_case()
    {
        // Ordinal: "1" (0x31) < "Zzz" (0x5A) < "aaa" (0x61); a culture-aware sort would put "aaa" before "Zzz".
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData("1Zzzaaa"u8));
        Assert.Equal(expected, WeChatSignature.Compute("aaa", "Zzz", "1"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("f464b24fc39322e44b38aa78f5edd27bd144169")]
    [InlineData("f464b24fc39322e44b38aa78f5edd27bd14416966")]
    [InlineData("g464b24fc39322e44b38aa78f5edd27bd1441696")]
    [InlineData("f464b24fc39322e44b38aa78f5edd27bd1441697")]
    public void Verify_refuses_missing_malformed_and_wrong_signatures(string? signature)
    {
        Assert.False(WeChatSignature.Verify(signature, "AAAAA", "1714036504", "1514711492"));
    }

    [Fact]
    public void Verify_refuses_a_signature_made_with_another_token()
    {
        var signature = WeChatSignature.Compute("AAAAB", "1714036504", "1514711492");
        Assert.False(WeChatSignature.Verify(signature, "AAAAA", "1714036504", "1514711492"));
    }
}
