namespace BugCheckCallbacks.Cli.Commands;

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class ProgressReporter(Action<long> report) : IProgress<long>
{
    public void Report(long value) => report(value);
}
