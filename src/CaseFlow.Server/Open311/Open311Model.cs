using System.Globalization;
using CaseFlow.Core.Access;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;

namespace CaseFlow.Server.Open311;

// GeoReport v2's documents (https://wiki.open311.org/GeoReport_v2), field names as the standard spells them
// (snake_case on the wire). Absent values are left out rather than sent as null.

public sealed record Open311Service(string ServiceCode, string ServiceName, string Description, bool Metadata, string Type,
    string Keywords, string Group, string ServiceNameEn, string ServiceNameHi);

public sealed record Open311ServiceDefinition(string ServiceCode, IReadOnlyList<Open311Attribute> Attributes);

public sealed record Open311Attribute(bool Variable, string Code, string Datatype, bool Required, string DatatypeDescription,
    int Order, string Description, IReadOnlyList<Open311Value> Values);

public sealed record Open311Value(string Key, string Name);

public sealed record Open311Created(string ServiceRequestId, string ServiceNotice);

public sealed record Open311Request(string ServiceRequestId, string Status, string StatusNotes, string ServiceName, string ServiceCode,
    string Description, string AgencyResponsible, string RequestedDatetime, string UpdatedDatetime, string? ExpectedDatetime,
    string? Address, string? MediaUrl);

public sealed record Open311Error(int Code, string Description);

/// <summary>
/// CaseFlow's directory and cases as GeoReport v2 documents, in Hindi or English. Open311 knows two states,
/// open and closed; what CaseFlow knows beyond that (level, awaiting confirmation, a pending transfer) goes
/// into status_notes so a civic app can still tell its user where the complaint stands.
/// </summary>
public static class Open311Model
{
    public const string DistrictAttribute = "district";
    public const string SubCategoryAttribute = "sub_category";

    public static Open311Service Service(Category c, DirectorySnapshot dir, bool hindi)
    {
        var department = dir.DepartmentsById.GetValueOrDefault(c.Department);
        return new Open311Service(c.Id, hindi ? c.NameHi : c.Name,
            hindi ? $"{c.NameHi} — {department?.NameHi}" : $"{c.Name} — {department?.Name}",
            Metadata: true, Type: "batch",
            Keywords: string.Join(",", c.SubCategories.Select(s => hindi ? s.NameHi : s.Name)),
            Group: (hindi ? department?.NameHi : department?.Name) ?? c.Department,
            ServiceNameEn: c.Name, ServiceNameHi: c.NameHi);
    }

    /// <summary>The attributes a request for this category takes beyond GeoReport's own fields: where, and what exactly.</summary>
    public static Open311ServiceDefinition Definition(Category c, DirectorySnapshot dir, bool hindi)
    {
        var attributes = new List<Open311Attribute>
        {
            new(true, DistrictAttribute, "singlevaluelist", Required: true,
                hindi ? "जनपद चुनें" : "One of the districts listed", 1,
                hindi ? "शिकायतकर्ता का जनपद (शिकायत इसी जनपद के अधिकारी को जाती है)" : "The complainant's district: the complaint goes to that district's officer",
                dir.Districts.Select(d => new Open311Value(d.Id, hindi ? d.NameHi : d.Name)).ToList()),
        };
        if (c.SubCategories.Count > 0)
            attributes.Add(new(true, SubCategoryAttribute, "singlevaluelist", Required: false,
                hindi ? "उप-श्रेणी चुनें" : "One of the sub-categories listed", 2,
                hindi ? "उप-श्रेणी" : "Sub-category",
                c.SubCategories.Select(s => new Open311Value(s.Id, hindi ? s.NameHi : s.Name)).ToList()));
        return new Open311ServiceDefinition(c.Id, attributes);
    }

    public static Open311Request Request(Case c, Caller caller, DirectorySnapshot dir, bool hindi)
    {
        var category = dir.CategoriesById.GetValueOrDefault(c.Category);
        var department = dir.DepartmentsById.GetValueOrDefault(c.Department);
        var post = dir.FindPost(c.AssignedPostId);
        var agency = hindi
            ? string.Join(", ", new[] { post?.DesignationHi, department?.NameHi }.Where(s => !string.IsNullOrEmpty(s)))
            : string.Join(", ", new[] { post?.Designation, department?.Name }.Where(s => !string.IsNullOrEmpty(s)));
        var closed = c.Status.IsTerminal();
        var expected = closed ? null : c.InterimReplyExpectedAt ?? c.DueAt;
        return new Open311Request(c.Number, closed ? "closed" : "open", StatusNotes(c, dir, hindi),
            (hindi ? category?.NameHi : category?.Name) ?? c.Category, c.Category, c.Description, agency,
            Time(c.CreatedAt)!, Time(c.UpdatedAt)!, Time(expected),
            caller.Can(Permissions.ReadPersonalData) ? c.ComplainantAddress : PersonalData.MaskAddress(c.ComplainantAddress),
            c.Attachments.FirstOrDefault()?.Uri);
    }

    public static string Notice(Case c, DirectorySnapshot dir, bool hindi)
    {
        var post = dir.FindPost(c.AssignedPostId);
        return hindi
            ? $"शिकायत संख्या {c.Number} दर्ज; {post?.DesignationHi} (स्तर {c.Level}) को सौंपी गई{Due(c, hindi)}।"
            : $"Registered as {c.Number}; assigned to {post?.Designation} (L{c.Level}){Due(c, hindi)}.";
    }

    private static string StatusNotes(Case c, DirectorySnapshot dir, bool hindi)
    {
        var post = dir.FindPost(c.AssignedPostId);
        var with = hindi ? $"{post?.DesignationHi} (स्तर {c.Level})" : $"{post?.Designation} (L{c.Level})";
        var to = c.TransferToDepartment is { } t ? dir.DepartmentsById.GetValueOrDefault(t) : null;
        return (c.Status, hindi) switch
        {
            (CaseStatus.Registered, false) => $"Registered; with {with}{Due(c, false)}.",
            (CaseStatus.Registered, true) => $"दर्ज; {with} के पास{Due(c, true)}।",
            (CaseStatus.InProgress, false) => $"In progress with {with}{Due(c, false)}.",
            (CaseStatus.InProgress, true) => $"{with} द्वारा कार्यवाही जारी{Due(c, true)}।",
            (CaseStatus.Reopened, false) => $"Reopened: the complainant was not satisfied. With {with}{Due(c, false)}.",
            (CaseStatus.Reopened, true) => $"पुनः खोली गई: शिकायतकर्ता संतुष्ट नहीं थे। {with} के पास{Due(c, true)}।",
            (CaseStatus.Resolved, false) => $"Resolved by {with}: {c.Resolution} Awaiting the complainant's confirmation.",
            (CaseStatus.Resolved, true) => $"{with} द्वारा निस्तारित: {c.Resolution} शिकायतकर्ता की पुष्टि की प्रतीक्षा।",
            (CaseStatus.SpecialCloseProposed, false) => "A special close has been proposed and awaits approval.",
            (CaseStatus.SpecialCloseProposed, true) => "विशेष निस्तारण प्रस्तावित; अनुमोदन की प्रतीक्षा।",
            (CaseStatus.TransferProposed, false) => $"Transfer to {to?.Name ?? c.TransferToDepartment} proposed; awaiting that department.",
            (CaseStatus.TransferProposed, true) => $"{to?.NameHi ?? c.TransferToDepartment} को हस्तांतरण प्रस्तावित; उस विभाग की प्रतीक्षा।",
            (CaseStatus.Closed, false) => $"Closed: the complainant confirmed the resolution. {c.Resolution}",
            (CaseStatus.Closed, true) => $"बंद: शिकायतकर्ता ने निस्तारण की पुष्टि की। {c.Resolution}",
            (CaseStatus.SpecialClosed, false) => $"Closed by special close ({dir.SpecialCloseReasons.FirstOrDefault(r => r.Code == c.SpecialCloseReason)?.Name ?? c.SpecialCloseReason}).",
            (CaseStatus.SpecialClosed, true) => $"विशेष निस्तारण द्वारा बंद ({dir.SpecialCloseReasons.FirstOrDefault(r => r.Code == c.SpecialCloseReason)?.NameHi ?? c.SpecialCloseReason})।",
            (CaseStatus.ForceClosed, false) => "Closed by the administration without the complainant's confirmation.",
            (CaseStatus.ForceClosed, true) => "शिकायतकर्ता की पुष्टि के बिना प्रशासन द्वारा बंद।",
            _ => c.Status.ToString(),
        };
    }

    private static string Due(Case c, bool hindi) => c.DueAt is not { } due ? ""
        : hindi ? $", नियत तिथि {IndiaTime.ToIst(due).ToString("dd-MM-yyyy HH:mm", CultureInfo.InvariantCulture)}"
        : $", due {IndiaTime.ToIst(due).ToString("dd-MM-yyyy HH:mm", CultureInfo.InvariantCulture)} IST";

    /// <summary>ISO 8601 with India's offset, as GeoReport's examples give local time with its offset.</summary>
    private static string? Time(DateTimeOffset? t) =>
        t is { } v ? IndiaTime.ToIst(v).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) : null;
}
