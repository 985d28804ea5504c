"""Body-map pages, one module per screen: painting a map (paint), one map and its images
(paintings), before and after a session (compare), a client's maps over time (history), the
practitioner's body chart (chart), where touch is welcome (touch_consent) and the owners'
group map (research); common holds the lookups they share. Each view checks access, fetches
through `visible_to(request.actor)`, leaves writes to the services and computation to the
pure modules (figures, summaries, charts, analysis, render), audits the read and renders."""
