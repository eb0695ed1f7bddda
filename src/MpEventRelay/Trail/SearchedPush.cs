namespace MpEventRelay.Trail;

/// <summary>What a <see cref="TrailSearch"/> knows of one push so far: where its lines are, and what they matched.</summary>
internal sealed class SearchedPush(string id, long order)
{
    public string Id { get; } = id;

    /// <summary>The order the search met the push in (newest first): breaks ties between equal times.</summary>
    public long Order { get; } = order;

    /// <summary>Its lines, newest first: at most <see cref="TrailSearch.MaxEventsPerPush"/>.</summary>
    public List<LineRef> Lines { get; } = [];

    /// <summary>Its older lines not kept (beyond <see cref="TrailSearch.MaxEventsPerPush"/>).</summary>
    public int Omitted { get; set; }

    /// <summary>The oldest WeChat try read: it describes the push.</summary>
    public LineRef? Opening { get; set; }

    public long OpeningAt { get; set; } = long.MaxValue;

    public bool Target { get; set; }

    public bool Failed { get; set; }

    public bool Outcome { get; set; }

    /// <summary>Counted among the newest matches (once).</summary>
    public bool Counted { get; set; }

    /// <summary>Its WeChat try did not match: nothing more of it is kept.</summary>
    public bool Rejected { get; private set; }

    public void Reject()
    {
        Rejected = true;
        Lines.Clear();
    }
}
