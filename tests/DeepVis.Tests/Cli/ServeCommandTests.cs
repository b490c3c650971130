using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeepVis.Cli.Atlas;
using DeepVis.Cli.Serve;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

/// <summary>'deepvis serve' on a half-rendered atlas of the embedded mini-vgg: files, the job API, refusals.</summary>
public sealed class ServeCommandTests : IAsyncLifetime
{
    private readonly TestWeights.TempFolder _folder = new();
    private ServeCommand.ServedAtlas? _served;
    private Microsoft.AspNetCore.Builder.WebApplication? _app;
    private HttpClient _http = null!;
    private string _token = null!;

    private string Site => _folder.File("site");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // Shard 0 of 2 in batches of 2: channels 0-1 of conv2_1 rendered, 2-3 missing.
        var run = CliRun.Of("atlas", "--device", "cpu", "--quiet", "--layers", "conv2_1", "--channels", "0-3", "--batch", "2", "--steps", "24",
            "--shard", "0/2", "--examples", Fixtures.Repo("samples"), "--examples-top", "2", "--out", Site);
        Assert.True(run.ExitCode == 0, run.Error);
        _served = ServeCommand.Open(Site, null, "cpu", 1, TextWriter.Null);
        _app = ServeCommand.Build(Site, _served.Jobs, IPAddress.Loopback, 0);
        await _app.StartAsync(Token);
        _http = new HttpClient { BaseAddress = new Uri(ServeCommand.Address(_app)) };
        _token = Regex.Match(await _http.GetStringAsync("/render", Token), "token: '([0-9a-f]+)'").Groups[1].Value;
    }

    /// <summary>A form as the /render page posts it, with this start's token.</summary>
    private FormUrlEncodedContent Form(string objective) => new([new("objective", objective), new("token", _token)]);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(Token);
            await _app.DisposeAsync();
        }
        _served?.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Serves_the_sites_pages_and_images_on_the_loopback_address()
    {
        Assert.StartsWith("http://127.0.0.1:", _http.BaseAddress!.ToString());
        var index = await _http.GetStringAsync("/", Token);
        Assert.Contains("Atlas of mini-vgg-fashion", index);
        var grid = await _http.GetStringAsync("/features.5/index.html", Token);
        Assert.Contains("data-render=\"features.5:3\"", grid);
        var image = await _http.GetAsync("/features.5/c0001.png", Token);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Site, "features.5", "c0001.png")), await image.Content.ReadAsByteArrayAsync(Token));
        Assert.Contains("<form", await _http.GetStringAsync("/render?objective=features.5:3", Token));
    }

    [Theory]
    [InlineData("/..%2f..%2fetc/passwd")]
    [InlineData("/../../etc/passwd")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/features.5/..%2f..%2f..%2fetc/passwd")]
    public async Task Paths_outside_the_site_are_not_served(string path)
    {
        // A raw request, so that no client normalizes the path first.
        var uri = _http.BaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port, Token);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), Token);
        var response = await new StreamReader(stream).ReadToEndAsync(Token);
        Assert.Matches(@"^HTTP/1\.1 (400|404) ", response);
        Assert.DoesNotContain("root:", response);
    }

    [Theory]
    [InlineData("objective=nosuch:1", "unknown layer 'nosuch'")]
    [InlineData("objective=conv2_1%3A3%20%2B", "at position 12 expected a term")]
    [InlineData("objective=", "give an objective")]
    [InlineData("objective=direction(conv2_1, /etc/passwd)", "reads a file")]
    public async Task Bad_render_requests_are_400_with_the_reason(string form, string message)
    {
        var response = await _http.PostAsync("/api/jobs", new StringContent($"{form}&token={_token}", Encoding.UTF8, "application/x-www-form-urlencoded"), Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_request_that_is_not_a_form_or_an_unknown_job_is_refused()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsync("/api/jobs", new StringContent("{\"objective\": \"conv2_1:3\"}", Encoding.UTF8, "application/json"), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/jobs/999", Token)).StatusCode);
    }

    private async Task<JsonElement> Render(string objective)
    {
        var response = await _http.PostAsync("/api/jobs", Form(objective), Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetInt32();
        var steps = new List<int>();
        for (var wait = 0; wait < 1200; wait++)
        {
            var job = await _http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}", Token);
            steps.Add(job.GetProperty("step").GetInt32());
            if (job.GetProperty("state").GetString() is "Done" or "Failed") return job;
            await Task.Delay(50, Token);
        }
        throw new TimeoutException($"job {id} did not finish; steps seen {string.Join(",", steps)}");
    }

    [Fact]
    public async Task A_missing_channel_is_rendered_on_request_and_joins_the_site()
    {
        var job = await Render("conv2_1:3");
        Assert.True(job.GetProperty("state").GetString() == "Done", job.ToString());
        Assert.Equal("features.5/c0003.html", job.GetProperty("result").GetString());
        Assert.Equal(24, job.GetProperty("step").GetInt32());
        Assert.Contains("channel 3", await _http.GetStringAsync("/features.5/c0003.html", Token));
        Assert.Contains("href=\"c0003.html\"", await _http.GetStringAsync("/features.5/index.html", Token));
        var channel = AtlasManifest.Find(Site)!.Channels.Single(c => c.Channel == 3);
        Assert.Equal(AtlasPlan.Seed("mini-vgg-fashion", "features.5", 3), channel.Seed);
        Assert.True(channel.End > channel.Start, $"{channel.Start} -> {channel.End}");
        // The example pass ran once, for every channel of the plan: the new page shows the channel's top two.
        var page = await _http.GetStringAsync("/features.5/c0003.html", Token);
        Assert.Contains("Top 2 of 12 example images", page);
        Assert.Contains("src=\"../features.5/c0003-top1.png\"", page);
    }

    [Fact]
    public async Task An_objective_outside_the_atlas_is_rendered_into_renders()
    {
        var job = await Render("conv2_2:1 - 0.5*conv2_2:2");
        Assert.True(job.GetProperty("state").GetString() == "Done", job.ToString());
        var file = job.GetProperty("result").GetString()!;
        Assert.StartsWith(RenderJobQueue.RendersFolder + "/", file);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/" + file, Token)).StatusCode);
        Assert.True(job.GetProperty("end").GetSingle() > job.GetProperty("start").GetSingle(), job.ToString());
    }

    [Fact]
    public async Task A_full_queue_refuses_with_503()
    {
        // One render may wait (--queue 1) and one run: of five requests sent at once some are refused.
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(n =>
            _http.PostAsync("/api/jobs", Form($"conv2_2:{n}"), Token)));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.Contains("queue is full", (await refused[0].Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("error").GetString());
        Assert.InRange(responses.Count(r => r.StatusCode == HttpStatusCode.Accepted), 1, 4);
    }

    [Fact]
    public async Task Deeply_nested_objectives_are_refused_and_the_server_lives_on()
    {
        var huge = await _http.PostAsync("/api/jobs", Form(new string('(', 15_000) + "conv2_1:3" + new string(')', 15_000)), Token);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        var deep = await _http.PostAsync("/api/jobs", Form(new string('(', 100) + "conv2_1:3" + new string(')', 100)), Token);
        Assert.Equal(HttpStatusCode.BadRequest, deep.StatusCode);
        Assert.Contains("at most 64 nested", (await deep.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/", Token)).StatusCode);
    }

    [Fact]
    public async Task An_error_quotes_a_long_objective_only_in_part()
    {
        var response = await _http.PostAsync("/api/jobs", Form(new string('x', 7000) + ":1"), Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.InRange((await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("error").GetString()!.Length, 10, 400);
    }

    [Fact]
    public async Task A_job_without_this_starts_token_is_refused()
    {
        var none = await _http.PostAsync("/api/jobs", new FormUrlEncodedContent([new("objective", "conv2_1:3")]), Token);
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        var wrong = await _http.PostAsync("/api/jobs", new FormUrlEncodedContent([new("objective", "conv2_1:3"), new("token", "0123")]), Token);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    [Theory]
    [InlineData("Host", "attacker.example")]
    [InlineData("Origin", "http://attacker.example")]
    [InlineData("Origin", "null")]
    public async Task Requests_for_another_host_or_from_another_origin_are_refused(string header, string value)
    {
        foreach (var request in new[] { new HttpRequestMessage(HttpMethod.Get, "/"), new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = Form("conv2_1:3") } })
        {
            if (header == "Host") request.Headers.Host = value;
            else request.Headers.Add(header, value);
            Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendAsync(request, Token)).StatusCode);
        }
        using var same = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = Form("nosuch:1") };
        same.Headers.Add("Origin", _http.BaseAddress!.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.SendAsync(same, Token)).StatusCode);
    }
}
