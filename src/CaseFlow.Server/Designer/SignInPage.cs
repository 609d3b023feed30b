using System.Net;

namespace CaseFlow.Server.Designer;

/// <summary>Server-rendered, so signing in works before (and without) the designer's script bundle.</summary>
internal static class SignInPage
{
    public static string Html(string? returnUrl, string? antiforgeryToken, string? error) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>CaseFlow designer – sign in</title>
        <style>
          body{font-family:system-ui,sans-serif;background:#f4f5f7;display:flex;justify-content:center;padding-top:12vh}
          form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;display:grid;gap:.75rem;min-width:18rem}
          label{display:grid;gap:.25rem;font-size:.9rem} input{padding:.5rem;font-size:1rem} button{padding:.6rem;font-size:1rem}
          .error{color:#b00020}
        </style></head>
        <body><form method="post" action="/designer/login">
          <h1>CaseFlow workflow designer</h1>
          {{(error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}}
          <label>User <input name="user" autocomplete="username" required autofocus></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
          <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "")}}">
          <input type="hidden" name="__csrf" value="{{WebUtility.HtmlEncode(antiforgeryToken ?? "")}}">
          <button type="submit">Sign in</button>
        </form></body></html>
        """;
}
