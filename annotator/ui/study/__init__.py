"""The supervisor's study views: the reliability sample's plan and progress per coder
(`study_dialog`). Figures come from `annotator.core.study`; nothing here computes them."""
