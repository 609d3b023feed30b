using CaseFlow.Core.Errors;

namespace CaseFlow.Core;

/// <summary>How many rows a list call returns (AIP-158): 0 means the default, more than the maximum means the maximum.</summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    /// <param name="field">The request field, named in the error a negative size gets.</param>
    public static int Size(int requested, string field = "page_size") => requested switch
    {
        < 0 => throw CaseFlowException.Invalid(field, "must not be negative."),
        0 => DefaultPageSize,
        _ => Math.Min(requested, MaxPageSize),
    };
}
