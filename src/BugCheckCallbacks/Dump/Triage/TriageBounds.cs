namespace BugCheckCallbacks.Dump;

/// <summary>
/// Where a small memory dump's parts may lie: the triage part, from just past <c>PAGEDUMP_TRIAGE</c> to SizeOfDump; the
/// context and exception records anywhere in the file (Windows points them into the header). A size of 0 checks nothing.
/// </summary>
internal readonly record struct TriageBounds(long FileLength, uint SizeOfDump)
{
    public void Check(int field, uint offset, ulong size, string name) => Section(TriageDumpFormat.Offset + field, offset, size, name);

    public void Section(long fieldAt, uint offset, ulong size, string name)
    {
        if (size > 0 && (offset < TriageDumpFormat.End || size > SizeOfDump || offset > SizeOfDump - size))
        {
            throw new InvalidDumpException(fieldAt, $"{name}: 0x{size:X} bytes at 0x{offset:X} are not inside the triage data, 0x{TriageDumpFormat.End:X} to SizeOfDump 0x{SizeOfDump:X}.");
        }
    }

    public void CheckAnywhere(int field, uint offset, ulong size, string name)
    {
        if (size > 0 && (offset == 0 || size > (ulong)FileLength || offset > (ulong)FileLength - size))
        {
            throw new InvalidDumpException(TriageDumpFormat.Offset + field, $"{name}: 0x{size:X} bytes at 0x{offset:X} are not inside the 0x{FileLength:X}-byte file.");
        }
    }
}
