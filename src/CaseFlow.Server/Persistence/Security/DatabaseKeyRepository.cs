using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace CaseFlow.Server.Persistence.Security;

/// <summary>
/// Keeps the data-protection key ring in the CaseFlow database rather than in the user's home folder, so a
/// restart, another working directory or a second replica decrypts the same session cookies.
/// </summary>
public sealed class DatabaseKeyRepository(CaseFlowDatabase database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = database.CreateContext();
        return db.DataProtectionKeys.OrderBy(k => k.Id).Select(k => k.Xml).ToList().Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var db = database.CreateContext();
        db.DataProtectionKeys.Add(new DataProtectionKeyRow { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
