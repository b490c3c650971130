using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using DeepVis.Cli.Atlas;
using DeepVis.Nets.Files;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeepVis.Cli.Serve;

/// <summary>
/// <c>deepvis serve SITE</c>: the atlas's files over HTTP on localhost (ASP.NET Core's static files, which
/// serve nothing outside the site), a form at /render, and a job API that renders on demand a channel or
/// an objective the site does not hold yet: POST /api/jobs (objective=...) answers 202 with the job,
/// GET /api/jobs/{id} its state and steps, which the form's script polls.
/// </summary>
public static class ServeCommand
{
    public const int DefaultPort = 8080;
    public const int DefaultQueue = 4;

    /// <summary>The largest request body: a form with one objective, which is short.</summary>
    public const int MaxBody = 8 * 1024;

    /// <summary>How many characters of a request an error quotes back.</summary>
    private const int Quoted = 300;

    public static Command Create(TextWriter output)
    {
        var site = new Argument<string>("site") { Description = "an atlas folder written by 'deepvis atlas'" };
        var weights = new Option<string?>("--weights") { Description = "the atlas's model (default: the weights it was built with)" };
        var device = App.DeviceOption();
        var port = OptionFactory.Int("--port", "TCP port; 0 picks a free one", 0, 65535, DefaultPort);
        var host = new Option<string>("--host") { Description = "address to listen on (127.0.0.1: this machine only)", DefaultValueFactory = _ => "127.0.0.1" };
        var queue = OptionFactory.Int("--queue", "renders that may wait; more are refused with 503", 1, Limits.MaxCount, DefaultQueue);
        var command = new Command("serve", "Serve an atlas on localhost and render missing channels or objectives on request.")
        {
            site, weights, device, port, host, queue,
        };
        command.SetAction(result =>
        {
            var (folder, capacity, p, name) = (result.GetValue(site)!, result.GetValue(queue), result.GetValue(port), result.GetValue(host)!);
            if (!IPAddress.TryParse(name, out var address) && name != "localhost")
                throw new UserException($"--host must be an IP address or localhost, got '{name}'");
            using var served = Open(folder, result.GetValue(weights), result.GetValue(device), capacity, output);
            using var app = Build(folder, served.Jobs, address ?? IPAddress.Loopback, p);
            app.Start();
            output.WriteLine($"serving {folder} at {Address(app)} (Ctrl+C stops)");
            app.WaitForShutdown();
            return 0;
        });
        return command;
    }

    /// <summary>The device, network and job queue of a served atlas; the weights must be the ones it was built with.</summary>
    public sealed class ServedAtlas(Session session, RenderJobQueue jobs) : IDisposable
    {
        public RenderJobQueue Jobs { get; } = jobs;

        public void Dispose()
        {
            Jobs.Dispose();
            session.Dispose();
        }
    }

    public static ServedAtlas Open(string folder, string? weights, string? deviceSpec, int capacity, TextWriter output)
    {
        if (!Directory.Exists(folder)) throw new UserException($"atlas '{folder}' does not exist");
        var manifest = AtlasManifest.Find(folder) ?? throw new UserException($"'{folder}' is not an atlas (it has no {AtlasManifest.FileName})");
        weights ??= manifest.Model.Weights;
        var session = Session.Open(deviceSpec, weights, new Random(0), folder, null, new ProgressDisplay(output, true), output);
        try
        {
            var model = AtlasModel.Of(weights, session.Network);
            if (model.Sha256 != manifest.Model.Sha256)
                throw new UserException($"the weights {model.Name} (SHA-256 {model.Sha256}) are not the model this atlas shows, {manifest.Model.Name} ({manifest.Model.Sha256})");
            return new ServedAtlas(session, new RenderJobQueue(session, manifest, capacity));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The web application: the site's files, the form and the job API, on <paramref name="address"/>:<paramref name="port"/>.
    /// Every request must name this machine in Host (a loopback name or the address listened on: a page
    /// elsewhere that rebinds its own name to 127.0.0.1 is refused) and, when it has an Origin, come from
    /// this server's own pages; a job is accepted only with the token of this start, which the form carries;
    /// bodies above <see cref="MaxBody"/> bytes are refused.
    /// </summary>
    public static WebApplication Build(string folder, RenderJobQueue jobs, IPAddress address, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(address, port);
            k.Limits.MaxRequestBodySize = MaxBody;
        });
        var app = builder.Build();
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        app.Use(async (context, next) =>
        {
            if (Foreign(context.Request, address) is { } reason)
            {
                await Problem(403, reason).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        var files = new PhysicalFileProvider(Path.GetFullPath(folder));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapGet("/render", () => Results.Content(RenderPage.Replace(TokenPlaceholder, token), "text/html; charset=utf-8"));
        app.MapPost("/api/jobs", async (HttpRequest request) =>
        {
            if (!request.HasFormContentType) return Problem(400, "send the objective as a form field: objective=layer:channel");
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync();
            }
            catch (Exception e) when (e is BadHttpRequestException or InvalidDataException)
            {
                return Problem(413, $"the request is over {MaxBody} bytes or not a form: objectives are short");
            }
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(form["token"].ToString()), Encoding.UTF8.GetBytes(token)))
                return Problem(403, "missing or wrong token: render from this server's /render page");
            try
            {
                var job = jobs.Submit(form["objective"]);
                return Results.Json(job, statusCode: 202);
            }
            catch (JobRefusedException e)
            {
                return Problem(e.Status, e.Message);
            }
        });
        app.MapGet("/api/jobs/{id:int}", (int id) => jobs.Find(id) is { } job ? Results.Json(job) : Problem(404, $"no job {id}"));
        return app;
    }

    /// <summary>The address the server listens on, with the port it was given when asked for 0.</summary>
    public static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>An error answer; what it quotes of the request is cut and its control characters escaped.</summary>
    private static IResult Problem(int status, string message) => Results.Json(new { error = FileText.Escape(message, Quoted) }, statusCode: status);

    /// <summary>Why a request does not come from this machine's own pages (its Host or Origin), or null.</summary>
    private static string? Foreign(HttpRequest request, IPAddress address)
    {
        var host = request.Host.Host.Trim('[', ']');
        var local = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || IPAddress.TryParse(host, out var ip) && (IPAddress.IsLoopback(ip) || ip.Equals(address));
        if (!local) return $"Host '{request.Host.Value}' is not this server: use http://localhost or the address it listens on";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !origin.Equals($"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase))
            return $"requests from other sites ({origin}) are refused";
        return null;
    }

    private const string TokenPlaceholder = "{{token}}";

    private const string RenderPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Render on demand</title><link rel="stylesheet" href="/style.css"></head>
        <body>
        <p><a href="/index.html">atlas</a></p>
        <h1>Render on demand</h1>
        <form id="form">
          <input id="objective" name="objective" size="48" placeholder="layer:channel or an objective, e.g. layer3:7 - 0.5*layer3:9">
          <button>Render</button>
        </form>
        <p id="status"></p>
        <progress id="progress" max="1" value="0" hidden></progress>
        <div id="result"></div>
        <script>
        const form = document.getElementById('form'), field = document.getElementById('objective');
        const status = document.getElementById('status'), progress = document.getElementById('progress'), result = document.getElementById('result');
        field.value = new URLSearchParams(location.search).get('objective') ?? '';
        async function poll(id) {
          const job = await (await fetch('/api/jobs/' + id)).json();
          progress.hidden = false; progress.max = job.steps || 1; progress.value = job.step;
          status.textContent = `${job.objective}: ${job.state.toLowerCase()}` + (job.steps ? ` (${job.step}/${job.steps} steps)` : '');
          if (job.state === 'Failed') { status.textContent += ': ' + job.error; return; }
          if (job.state !== 'Done') { setTimeout(() => poll(id), 500); return; }
          status.textContent += `; objective ${job.start.toPrecision(4)} -> ${job.end.toPrecision(4)}`;
          if (job.result.endsWith('.html')) location.href = '/' + job.result;
          else { const img = document.createElement('img'); img.src = '/' + job.result; img.className = 'vis'; result.replaceChildren(img); }
        }
        form.onsubmit = async e => {
          e.preventDefault();
          const response = await fetch('/api/jobs', { method: 'POST', body: new URLSearchParams({ objective: field.value, token: '{{token}}' }) });
          const body = await response.json();
          if (!response.ok) { status.textContent = body.error; return; }
          poll(body.id);
        };
        if (field.value) form.requestSubmit();
        </script>
        </body>
        </html>
        """;
}
