namespace MpEventRelay.Configuration;

/// <summary>
/// The <c>Relay:WeChatApi</c> section: where WeChat's API is (the customer-service messages for late replies and the
/// typing indicator), and how WeChat calls the relay, which decides how long a late reply is left to WeChat's retries.
/// </summary>
public sealed record WeChatApiOptions
{
    /// <summary>WeChat's API. Change it only for a stand-in in tests and samples.</summary>
    public Uri BaseAddress { get; init; } = new("https://api.weixin.qq.com");

    /// <summary>How long WeChat waits for an answer to one attempt before it hangs up and retries: 5 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many attempts WeChat makes for one push: 3 (the first and two retries).</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>Budget of one API call. Default 5 s.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
