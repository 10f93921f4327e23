namespace Shm.Cli.Output;

/// <summary>Left-aligned columns separated by two spaces, widths fitted to the content (like ipcs).</summary>
internal sealed class TextTable(params string[] headings)
{
    private const string Gap = "  ";
    private readonly List<string[]> _rows = [];

    public int RowCount => _rows.Count;

    public void Add(params string[] cells)
    {
        if (cells.Length != headings.Length)
            throw new ArgumentException($"A row of this table has {headings.Length} cells; {cells.Length} were given.", nameof(cells));
        _rows.Add(cells);
    }

    public void WriteTo(TextWriter output)
    {
        int[] widths = new int[headings.Length];
        foreach (string[] row in _rows.Prepend(headings))
        {
            for (int c = 0; c < row.Length; c++)
                widths[c] = Math.Max(widths[c], row[c].Length);
        }
        foreach (string[] row in _rows.Prepend(headings))
        {
            var cells = row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]));
            output.WriteLine(string.Join(Gap, cells).TrimEnd());
        }
    }
}
