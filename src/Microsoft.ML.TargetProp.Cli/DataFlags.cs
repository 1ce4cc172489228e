using System.Collections.Generic;
using System.CommandLine;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// The flags every training command shares (train, sweep, reproduce, ablate, aux-sweep, autoencode): <c>--threads</c>,
/// <c>--train-limit</c>, <c>--test-limit</c> and <c>--data-dir</c>, defined once. Each command makes its own instance
/// (an option belongs to one command) and adds <see cref="Options"/>.
/// </summary>
public sealed class DataFlags
{
    /// <summary>--threads: libtorch intra-op threads.</summary>
    public Option<int?> Threads { get; } = new("--threads") { Description = "libtorch threads (default: all cores)" };

    /// <summary>--train-limit.</summary>
    public Option<int?> TrainLimit { get; } = new("--train-limit") { Description = "use only the first N training examples" };

    /// <summary>--test-limit.</summary>
    public Option<int?> TestLimit { get; } = new("--test-limit") { Description = "use only the first N test examples" };

    /// <summary>--data-dir.</summary>
    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "folder holding dataset folders (then $TARGETPROP_DATA, data/, ../shared/data)" };

    /// <summary>The four options, to add to a command.</summary>
    public IEnumerable<Option> Options => [Threads, TrainLimit, TestLimit, DataDir];
}
