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

    /// <summary>Who sends the circulars and to whom they are copied: the parts of the letter that are the office's, not the data's.</summary>
    public CircularLetterOptions Letter { get; set; } = new();

    public string ResolvedTemplatesDirectory => TemplatesDirectory ?? Path.Combine(AppContext.BaseDirectory, "templates");
}

/// <summary>The sender's block of an Uttarakhand government letter, in both languages.</summary>
public sealed class CircularLetterOptions
{
    public string Office { get; set; } = "Information Technology Development Agency (ITDA), CM Helpline 1905";
    public string OfficeHi { get; set; } = "सूचना प्रौद्योगिकी विकास एजेंसी (आईटीडीए), सीएम हेल्पलाइन 1905";
    /// <summary>Signs the letter (printed under भवदीय with space to sign above).</summary>
    public string SignatoryName { get; set; } = "";
    public string SignatoryNameHi { get; set; } = "";
    public string SignatoryDesignation { get; set; } = "Nodal Officer, CM Helpline 1905";
    public string SignatoryDesignationHi { get; set; } = "नोडल अधिकारी, सीएम हेल्पलाइन 1905";
    /// <summary>A PNG, JPEG or SVG file shown at the head of the letter (the state emblem); none when empty.</summary>
    public string? LetterheadImagePath { get; set; }
    /// <summary>प्रतिलिपि: who receives a copy for information, in order.</summary>
    public List<string> CopyTo { get; set; } = ["Chief Secretary, Government of Uttarakhand, for information", "Secretary, Information Technology, Government of Uttarakhand", "Guard file"];
    public List<string> CopyToHi { get; set; } = ["मुख्य सचिव, उत्तराखण्ड शासन को सूचनार्थ", "सचिव, सूचना प्रौद्योगिकी, उत्तराखण्ड शासन", "गार्ड फ़ाइल"];

    /// <summary>Letterheads are kept small: the image is inlined into every circular and its PDF.</summary>
    public const long MaxLetterheadBytes = 512 * 1024;

    /// <summary>The letterhead as a data: address (circulars are self-contained; the PDF printer fetches nothing), or null.</summary>
    public string? LetterheadDataUri()
    {
        if (string.IsNullOrWhiteSpace(LetterheadImagePath)) return null;
        var type = Path.GetExtension(LetterheadImagePath).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".svg" => "image/svg+xml",
            _ => null,
        };
        var file = new FileInfo(LetterheadImagePath);
        if (type is null || !file.Exists || file.Length > MaxLetterheadBytes) return null;
        return $"data:{type};base64,{Convert.ToBase64String(File.ReadAllBytes(file.FullName))}";
    }

    /// <summary>What is wrong with these settings, for start-up validation.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(LetterheadImagePath)) yield break;
        if (Path.GetExtension(LetterheadImagePath).ToLowerInvariant() is not (".png" or ".jpg" or ".jpeg" or ".svg"))
            yield return $"CaseFlow:Circulars:Letter:LetterheadImagePath '{LetterheadImagePath}' must be a .png, .jpg or .svg file";
        else if (!File.Exists(LetterheadImagePath))
            yield return $"CaseFlow:Circulars:Letter:LetterheadImagePath '{LetterheadImagePath}' does not exist";
        else if (new FileInfo(LetterheadImagePath).Length > MaxLetterheadBytes)
            yield return $"CaseFlow:Circulars:Letter:LetterheadImagePath '{LetterheadImagePath}' is over {MaxLetterheadBytes / 1024} KB";
    }
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
