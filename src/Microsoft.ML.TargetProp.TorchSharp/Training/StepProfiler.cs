using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// Wall-clock time per <see cref="StepPhase"/> of each step. libtorch runs CPU kernels synchronously, so a phase's
/// time is the time of its kernels; on CUDA it would need a synchronisation per phase.
/// </summary>
internal sealed class StepProfiler
{
    private readonly List<double[]> _steps = new();
    private double[] _current = new double[Enum.GetValues<StepPhase>().Length];

    /// <summary>Times a phase until the returned scope is disposed.</summary>
    public IDisposable Phase(StepPhase phase) => new Scope(this, phase);

    /// <summary>Closes the current step.</summary>
    public void EndStep()
    {
        _steps.Add(_current);
        _current = new double[_current.Length];
    }

    /// <summary>Completed steps.</summary>
    public int Steps => _steps.Count;

    /// <summary>Median seconds of <paramref name="phase"/> over the steps after <paramref name="skip"/>.</summary>
    public double Median(StepPhase phase, int skip = 0) => MedianOf(_steps.Skip(skip).Select(s => s[(int)phase]));

    /// <summary>Median seconds of a whole step over the steps after <paramref name="skip"/>.</summary>
    [Obsolete("Unused by the library; sum Median(phase) over the phases or time the step yourself. Will be removed.")]
    public double MedianTotal(int skip = 0) => MedianOf(_steps.Skip(skip).Select(s => s.Sum()));

    /// <summary>Forgets every step.</summary>
    public void Clear() => _steps.Clear();

    /// <summary>The median of <paramref name="values"/> (NaN when empty).</summary>
    public static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed class Scope : IDisposable
    {
        private readonly StepProfiler _owner;
        private readonly StepPhase _phase;
        private readonly long _start = Stopwatch.GetTimestamp();

        public Scope(StepProfiler owner, StepPhase phase)
        {
            _owner = owner;
            _phase = phase;
        }

        public void Dispose() => _owner._current[(int)_phase] += Stopwatch.GetElapsedTime(_start).TotalSeconds;
    }
}
