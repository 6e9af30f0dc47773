"""Predict a customer: a form with the features; the segment, closeness to each segment, and the map."""

import streamlit as st

import app_common
from customer_segmentation.app_support import charts, field_messages, predict_customer
from customer_segmentation.app_support.scoring import chart_sample, feature_defaults
from customer_segmentation.schema import FEATURE_INFO, feature_label

st.title("Predict a customer")
bundle = app_common.bundle_or_message()
if bundle is None:
    st.stop()

STEPS = {"USD": 1000.0}
defaults = feature_defaults(bundle)
st.caption("Enter one customer in original units. Defaults are the median customer the model was trained on.")

slots = {}
with st.form("predict_form"):
    fields = st.columns(len(bundle.features))
    for column, feature in zip(fields, bundle.features):
        unit = FEATURE_INFO.get(feature, {}).get("unit", "")
        bounds = bundle.validation_ranges.get(feature, {})
        allowed = f"Allowed: {app_common.number(bounds['min'])} to {app_common.number(bounds['max'], unit)}." \
            if {"min", "max"} <= set(bounds) else ""
        # Prefilled through session state with value=None, so a field can also be cleared (missing);
        # no min/max on the widget: out-of-range values reach the schema and get its message here.
        st.session_state.setdefault(f"predict_{feature}", defaults[feature])
        with column:
            st.number_input(feature_label(feature), value=None, step=STEPS.get(unit, 1.0), format="%.0f",
                            help=allowed, placeholder="required", key=f"predict_{feature}")
            slots[feature] = st.empty()
    submitted = st.form_submit_button("Predict segment", type="primary")

if submitted:
    st.session_state["predict_asked"] = True
if not st.session_state.get("predict_asked"):
    st.stop()

values = {f: st.session_state.get(f"predict_{f}") for f in bundle.features}
messages = field_messages(values, bundle.features, bundle.validation_ranges)
if messages:
    for feature, message in messages.items():
        slots[feature].error(message, icon=":material/error:")
    st.warning("Fix the values marked above to get a prediction.")
    st.stop()

prediction = predict_customer(bundle, values, validate=False)  # validated just above
st.success(f"This customer belongs to **{prediction.segment_name}**.", icon=":material/check_circle:")
st.markdown(f"{prediction.description}  \n**Suggested action:** {prediction.suggested_action}")
own = prediction.distances.loc[prediction.distances["assigned"]].iloc[0]
if prediction.typical_distance:
    closeness = ("closer to the centre than most members" if own.distance <= prediction.typical_distance
                 else "further from the centre than most members: a borderline customer")
    st.caption(f"Distance to the segment centre {own.distance:.2f}; a typical member is at "
               f"{prediction.typical_distance:.2f}, so this customer is {closeness}.")

left, right = st.columns([2, 3])
with left:
    st.subheader("How close to each segment")
    st.plotly_chart(charts.distance_chart(prediction.distances, bundle.profiles), key="predict_distances")
with right:
    st.subheader("On the segment map")
    st.plotly_chart(
        charts.segment_map(chart_sample(bundle), bundle.profiles,
                           customer={"map_x": prediction.map_x, "map_y": prediction.map_y}),
        key="predict_map",
    )
