namespace AotNet.Hosting;

/// <summary>The "did you mean" of a mistyped name: the closest candidate by edit distance, when one is close enough.</summary>
public static class DidYouMean
{
    /// <summary>The closest of <paramref name="candidates"/> to a mistyped <paramref name="token"/>, or null when none is close.</summary>
    public static string? Closest(string token, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates.Distinct())
        {
            int distance = Distance(token.ToLowerInvariant(), candidate.ToLowerInvariant());
            bool prefix = candidate.StartsWith(token, StringComparison.OrdinalIgnoreCase) && token.TrimStart('-').Length >= 2;
            if (prefix)
            {
                distance = Math.Min(distance, 1);
            }

            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        int allowed = Math.Max(1, Math.Min(3, token.TrimStart('-').Length / 3));
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Damerau–Levenshtein distance (optimal string alignment): a swap of neighbours counts 1, so "imbd" is 1 from "imdb".</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
