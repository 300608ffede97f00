namespace BugCheckCallbacks.Dump;

/// <summary>The page-table walk shown step by step (as the debugger's <c>!vtop</c> walks it), and the virtual mappings the tables hold.</summary>
public sealed partial class DumpFile
{
    /// <summary>
    /// Gets why this dump's virtual memory cannot be read, or <see langword="null"/> when it can: through the x64 page tables,
    /// or a small memory dump's data blocks. An ARM64 complete or kernel dump is read for its header, physical pages,
    /// modules' list entries by physical address and secondary data; its page tables are not walked.
    /// </summary>
    public string? VirtualMemoryUnavailableReason => Layout != DumpBodyLayout.Triage && Header.MachineImageType == Arm64Context.MachineType
        ? "An ARM64 dump's page tables are not read (only x64 paging is): its virtual addresses do not translate. Read its physical memory (--physical), its small memory dump's data blocks, or its secondary data."
        : null;

    /// <summary>Gets whether virtual addresses translate through x64 page tables: any dump but a small one or an ARM64 one.</summary>
    internal bool HasX64PageTables => Layout != DumpBodyLayout.Triage && Header.MachineImageType != Arm64Context.MachineType;

    /// <summary>
    /// Translates a virtual address through the dump's page tables as <see cref="TryTranslate"/> does, and returns every level
    /// of the walk: each table, the index, the entry and its flags.
    /// </summary>
    /// <param name="virtualAddress">The virtual address.</param>
    /// <returns>The translation; its <see cref="AddressTranslation.Failure"/> says why when the address does not translate.</returns>
    /// <exception cref="InvalidDumpException">The file ends inside a stored page-table page.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public AddressTranslation Translate(ulong virtualAddress)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Layout == DumpBodyLayout.Triage)
        {
            return new(virtualAddress, null, [], "A small memory dump has no page tables: its virtual memory is the data blocks it copied.");
        }

        if (VirtualMemoryUnavailableReason is { } reason)
        {
            return new(virtualAddress, null, [], reason);
        }

        if (!X64Paging.IsCanonical(virtualAddress))
        {
            return new(virtualAddress, null, [], $"0x{virtualAddress:X} is not canonical: bits 63..48 must all equal bit 47.");
        }

        var steps = new List<PageTableStep>(4);
        var frame = Walk(virtualAddress, steps);
        var last = steps[^1];
        return frame != NotMapped
            ? new(virtualAddress, (frame << PageShift) | (virtualAddress & (PageSize - 1)), steps, null)
            : new(virtualAddress, null, steps, last.Entry is null
                ? $"The level-{last.Level} table at physical 0x{last.TableAddress:X} is not in the dump."
                : $"The {last.Name} at physical 0x{last.EntryAddress:X} is 0x{last.Entry:X}: not valid (neither present nor in transition).");
    }

    /// <summary>
    /// Lists what the page tables map, as runs of pages contiguous in both virtual and physical memory, in virtual-address
    /// order (both halves); only pages whose frame the dump stores. Large pages count as their 4 KiB pages.
    /// </summary>
    /// <returns>The runs, computed lazily.</returns>
    /// <remarks>
    /// The walk is bounded, as the forensic walker's is: it considers at most four entries per stored page (and 2^20 at
    /// least), so a hostile table that maps the same frames a billion times ends the list instead of stalling it.
    /// </remarks>
    /// <exception cref="InvalidDumpException">The file ends inside a stored page-table page.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public IEnumerable<VirtualMapping> EnumerateVirtualMappings()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return !HasX64PageTables ? [] : Runs(Math.Max(1L << 20, (long)Math.Min(StoredPageCount, long.MaxValue / 8) * 4));

        IEnumerable<VirtualMapping> Runs(long budget)
        {
            VirtualMapping? run = null;
            foreach (var (address, frame) in VirtualPageWalker.MappedPages(this, budget))
            {
                if (run is { } r && address == r.VirtualAddress + (r.PageCount << PageShift) && frame << PageShift == r.PhysicalAddress + (r.PageCount << PageShift))
                {
                    run = r with { PageCount = r.PageCount + 1 };
                    continue;
                }

                if (run is { } done)
                {
                    yield return done;
                }

                run = new VirtualMapping(address, frame << PageShift, 1);
            }

            if (run is { } final)
            {
                yield return final;
            }
        }
    }
}
