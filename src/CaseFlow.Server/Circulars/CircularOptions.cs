namespace CaseFlow.Server.Circulars;

public sealed class CircularOptions
{
    /// <summary>Folder of the shipped Scriban templates; defaults to the copy beside the binary.</summary>
    public string? TemplatesDirectory { get; set; }

    /// <summary>The scorecard file; defaults to scorecard.json in the seed folder.</summary>
    public string? ScorecardPath { get; set; }

    /// <summary>Debian's Chromium; PDFs are skipped (and the reason recorded) when it is absent.</summary>
    public string ChromiumPath { get; set; } = "/usr/bin/chromium";

    /// <summary>How many overdue cases a HoD circular lists (the total is always stated).</summary>
    public int MaxOverdueListed { get; set; } = 200;

    /// <summary>How long a replica's claim on a circular it is printing and mailing holds; a claim past it is taken over.</summary>
    public TimeSpan DeliveryLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often undelivered circulars whose claim ran out (SMTP refused, a replica died) are tried again.</summary>
    public TimeSpan DeliveryRetry { get; set; } = TimeSpan.FromMinutes(5);

    public string ResolvedTemplatesDirectory => TemplatesDirectory ?? Path.Combine(AppContext.BaseDirectory, "templates");
}

/// <summary>Mail for circulars; nothing is mailed while Host is empty (circulars are still archived).</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public bool StartTls { get; set; }
    public string From { get; set; } = "cmhelpline-itda@uk.gov.in";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
