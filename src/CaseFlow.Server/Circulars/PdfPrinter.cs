using Microsoft.Playwright;

namespace CaseFlow.Server.Circulars;

public sealed record PdfResult(byte[]? Pdf, string? SkippedReason);

/// <summary>
/// Prints HTML to PDF with the machine's Chromium (Debian's package, with its Devanagari fonts) through
/// Playwright; browsers are never downloaded. Without Chromium the circular still goes out as HTML and the
/// reason is recorded on it.
/// </summary>
public sealed partial class PdfPrinter(string chromiumPath, ILogger<PdfPrinter> log)
{
    /// <summary>
    /// Page numbers in the document's language ("पृष्ठ 1 / 2", "Page 1 of 2"), printed by Chromium in the bottom margin
    /// of every page: a template cannot know where its pages break.
    /// </summary>
    public static string Footer(string html)
    {
        var hindi = HtmlLang().Match(html) is { Success: true } m && m.Groups[1].Value.StartsWith("hi", StringComparison.OrdinalIgnoreCase);
        var words = hindi
            ? "पृष्ठ <span class=\"pageNumber\"></span> / <span class=\"totalPages\"></span>"
            : "Page <span class=\"pageNumber\"></span> of <span class=\"totalPages\"></span>";
        return $"<div style=\"width:100%;text-align:center;font-size:9pt;font-family:'Noto Sans Devanagari','Noto Sans',sans-serif\">{words}</div>";
    }

    [System.Text.RegularExpressions.GeneratedRegex("<html[^>]*\\blang=\"([A-Za-z-]+)\"", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex HtmlLang();

    public bool Available => File.Exists(chromiumPath);

    public async Task<IReadOnlyList<PdfResult>> PrintAsync(IReadOnlyList<string> htmls, CancellationToken ct)
    {
        if (htmls.Count == 0) return [];
        if (!Available)
            return htmls.Select(_ => new PdfResult(null, $"Chromium not found at {chromiumPath}; the circular was delivered as HTML only.")).ToList();
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = chromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-remote-fonts"],
            });
            var results = new List<PdfResult>();
            // Templates are administrators' text: the page they make may run no script and reach no address. A
            // circular is self-contained HTML (inline styles, inline SVG, data: images), so every request the
            // page tries is one it must not make, to this server's own pages as much as to anyone else's.
            await using var context = await browser.NewContextAsync(new() { JavaScriptEnabled = false, Offline = true });
            await context.RouteAsync("**/*", route => route.AbortAsync("blockedbyclient"));
            foreach (var html in htmls)
            {
                ct.ThrowIfCancellationRequested();
                var page = await context.NewPageAsync();
                try
                {
                    await page.SetContentAsync(html, new() { WaitUntil = WaitUntilState.Load, Timeout = 30_000 });
                    results.Add(new PdfResult(await page.PdfAsync(new()
                    {
                        Format = "A4", PrintBackground = true, Landscape = true, PreferCSSPageSize = true,
                        DisplayHeaderFooter = true, HeaderTemplate = "<span></span>", FooterTemplate = Footer(html),
                        Margin = new() { Top = "14mm", Bottom = "18mm", Left = "14mm", Right = "14mm" },
                    }), null));
                }
                finally
                {
                    await page.CloseAsync();
                }
            }
            return results;
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or IOException or InvalidOperationException)
        {
            log.LogWarning(e, "PDF printing failed; circulars go out as HTML");
            return htmls.Select(_ => new PdfResult(null, $"PDF printing failed: {e.Message}")).ToList();
        }
    }
}
