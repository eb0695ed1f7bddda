namespace MpEventRelay.Trail;

/// <summary>Where a line of the trail is: its batch's row and its bytes in that batch.</summary>
internal readonly record struct LineRef(long Seq, int Start, int Length);
