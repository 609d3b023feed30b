using System.Globalization;
using System.Net;
using System.Text;

namespace CaseFlow.Server.Circulars;

/// <summary>One bar of a chart: a label, a value on a 0..100 scale, and the grade that colours it.</summary>
public sealed record ChartBar(string Label, double Value, string Grade);

/// <summary>
/// Horizontal bar charts drawn as inline SVG by the server: a circular is self-contained (no script, no fetched
/// files), and the same markup prints in the PDF. Bars keep the order given (the ranking's, worst first).
/// </summary>
public static class CircularChart
{
    private const int Width = 720, LabelWidth = 260, BarHeight = 18, Gap = 6, Top = 26, Right = 96;

    public static string Bars(IReadOnlyList<ChartBar> bars, string title)
    {
        var plot = Width - LabelWidth - Right;
        var height = Top + bars.Count * (BarHeight + Gap) + 18;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{Width}" height="{height}" viewBox="0 0 {Width} {height}" font-size="11">""");
        svg.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>");
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="0" y="14" font-weight="bold">{WebUtility.HtmlEncode(title)}</text>""");
        for (var tick = 0; tick <= 100; tick += 20)
        {
            var x = LabelWidth + plot * tick / 100.0;
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{x:0.#}" y1="{Top - 4}" x2="{x:0.#}" y2="{height - 16}" stroke="#ccc"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{x:0.#}" y="{height - 4}" text-anchor="middle" fill="#555">{tick}</text>""");
        }
        for (var i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            var y = Top + i * (BarHeight + Gap);
            var w = plot * Math.Clamp(b.Value, 0, 100) / 100.0;
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{LabelWidth - 6}" y="{y + 13}" text-anchor="end">{WebUtility.HtmlEncode(b.Label)}</text>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{LabelWidth}" y="{y}" width="{w:0.#}" height="{BarHeight}" fill="{Colour(b.Grade)}"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{LabelWidth + w + 4:0.#}" y="{y + 13}">{b.Value:0.00} ({WebUtility.HtmlEncode(b.Grade)})</text>""");
        }
        return svg.Append("</svg>").ToString();
    }

    // Colour-blind-safe enough with the grade printed beside every bar; the colour only repeats what the text says.
    private static string Colour(string grade) => grade switch
    {
        "A" => "#1b7837",
        "B" => "#7fbf7b",
        "C" => "#f1a340",
        _ => "#b2182b",
    };
}
