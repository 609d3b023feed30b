using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CaseFlow.Core.Cases;

/// <summary>The closure and abuse-control settings the nodal agency chooses.</summary>
public sealed record ClosurePolicy(bool ForceCloseEnabled = false, double SpecialCloseReviewShare = 1.0, int MaxComplaintsPerPhonePerDay = 10)
{
    /// <summary>
    /// Whether an approved special close goes to the review queue. Sampling hashes the case number, so the
    /// choice is stable (a retry or a replica decides the same) and cannot be steered by the officer.
    /// </summary>
    public bool SampledForReview(string caseNumber)
    {
        if (SpecialCloseReviewShare >= 1) return true;
        if (SpecialCloseReviewShare <= 0) return false;
        var h = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(caseNumber)));
        return h % 10_000 < SpecialCloseReviewShare * 10_000;
    }
}
