using System.Net.Http.Json;
using System.Text.Json;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Xunit.Abstractions;
using Keys = MpEventRelay.IntegrationTests.Infrastructure.Keys;

namespace MpEventRelay.IntegrationTests.Operations;

/// <summary>The console page in a real headless Chromium: it loads, shows the routes and a trail entry, and replays a dead letter.</summary>
public sealed class ConsolePageTests(ITestOutputHelper output)
{
    private const string AdminKey = "console-test-admin-key-0123456789";

    [Fact]
    public async Task The_console_lists_routes_and_the_trail_and_its_replay_button_sends_a_dead_letter_again()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.AnswerWith(_ => (503, "down"u8.ToArray()));
        await using var relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).FastRetries(expiry: "00:00:01").AdminKey(AdminKey).ToJson());
        relay.Http.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        var message = Pushes.From().Text("the bot was down", Pushes.NewMsgId());
        await new WeChatPushClient(relay.Http, Keys.Account).PushAsync(relay.Url("/wechat/main"), message, EncryptionMode.Secure);
        Assert.True(await Eventually.TrueAsync(() => relay.Http.GetFromJsonAsync<JsonElement[]>("/admin/dead-letters").Result!.Length == 1, TimeSpan.FromSeconds(15)));
        // The trail says so too: the attempts, then the dead letter.
        Assert.True(await Eventually.TrueAsync(() => relay.Http.GetFromJsonAsync<JsonElement[]>("/admin/trail").Result!.SingleOrDefault() is { } t
            && t.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "dead-letter")));

        var profile = Path.Combine(Path.GetTempPath(), "mprelay-tests", "chromium-" + Guid.NewGuid().ToString("N"));
        using var browser = HeadlessChromium.Start(profile);
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(20));
        browser.Navigate().GoToUrl(relay.Url("/console"));
        browser.FindElement(By.Id("key")).SendKeys(AdminKey);
        browser.FindElement(By.Id("connect")).Click();

        wait.Until(b => b.FindElements(By.CssSelector("#routes .route-row")).Count == 2);
        var routes = browser.FindElements(By.CssSelector("#routes .route-row")).Select(r => r.Text).ToList();
        Assert.Contains(routes, r => r.Contains("login", StringComparison.Ordinal) && r.Contains("Event=subscribe|SCAN", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.Contains("everything-else", StringComparison.Ordinal) && r.Contains("everything", StringComparison.Ordinal));
        var trail = wait.Until(b => b.FindElements(By.CssSelector("#trail .trail-row")).FirstOrDefault());
        Assert.Contains("answered 503", trail!.Text, StringComparison.Ordinal);
        Assert.Contains("dead letter after", trail.Text, StringComparison.Ordinal);
        Assert.Single(browser.FindElements(By.CssSelector("#targets .destination-row")), r => r.Text.Contains("bot", StringComparison.Ordinal));

        // What an operator opens it for: readiness and the last reload, outcomes over a range, the outbox per target.
        Assert.StartsWith("Healthy", browser.FindElement(By.CssSelector("#health .readiness")).Text, StringComparison.Ordinal);
        Assert.Equal("none since start", browser.FindElement(By.CssSelector("#health .reload")).Text);
        var outcomes = wait.Until(b => b.FindElements(By.CssSelector("#outcomes .outcome-row")) is { Count: > 0 } rows ? rows : null)!.Select(r => r.Text).ToList();
        Assert.Contains(outcomes, o => o.StartsWith("queued 1", StringComparison.Ordinal));
        Assert.Contains(outcomes, o => o.StartsWith("a dead letter 1", StringComparison.Ordinal));
        var lane = Assert.Single(browser.FindElements(By.CssSelector("#lanes .lane-row")), r => r.Text.StartsWith("main/bot", StringComparison.Ordinal));
        Assert.EndsWith(" 1", lane.Text, StringComparison.Ordinal); // its dead letter
        Assert.Contains("UTC", trail.Text, StringComparison.Ordinal); // times carry their zone (this machine's is UTC)
        var loaded = browser.FindElement(By.Id("status")).Text;
        browser.FindElement(By.Id("auto")).Click();
        new WebDriverWait(browser, TimeSpan.FromSeconds(20)).Until(b => b.FindElement(By.Id("status")).Text != loaded); // refreshed by itself

        // The page's own script runs (above) under its policy; anything injected inline does not.
        var policy = (await relay.Http.GetAsync("/console")).Headers.GetValues("Content-Security-Policy").Single();
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        var js = (IJavaScriptExecutor)browser;
        js.ExecuteScript("""
            const holder = document.createElement('div');
            holder.innerHTML = '<img id="probe" src="/not-there.png" onerror="window.ranHandler = 1">';
            document.body.appendChild(holder);
            const script = document.createElement('script');
            script.textContent = 'window.ranScript = 1';
            document.body.appendChild(script);
            """);
        wait.Until(b => (bool)((IJavaScriptExecutor)b).ExecuteScript("return document.getElementById('probe').complete")!);
        Assert.Null(js.ExecuteScript("return window.ranHandler ?? null"));
        Assert.Null(js.ExecuteScript("return window.ranScript ?? null"));

        var screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", "console.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        ((ITakesScreenshot)browser).GetScreenshot().SaveAsFile(screenshot);
        output.WriteLine($"screenshot: {screenshot}");

        bot.AnswerWith(_ => (200, "success"u8.ToArray()));
        browser.FindElement(By.CssSelector("#dead-letters .replay")).Click();
        wait.Until(b => b.FindElement(By.Id("status")).Text.StartsWith("Replayed", StringComparison.Ordinal));
        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of([message], bot.Accepted, Keys.Bot).Delivered == 1));
        wait.Until(b => b.FindElements(By.CssSelector("#dead-letters .dead-letter-row")).Count == 0);
    }
}
